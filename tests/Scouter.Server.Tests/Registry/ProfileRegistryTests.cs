using Microsoft.Extensions.Time.Testing;
using Scouter.Server.Ingestion;
using Scouter.Server.Registry;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Registry;

/// <summary>The registry's rules (versions, bump, re-registration, activation, alert-only updates) over a real SQLite store.</summary>
public sealed class ProfileRegistryTests(SqliteDatabaseFixture fixture) : IClassFixture<SqliteDatabaseFixture>
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 20, 12, 0, 30, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NewSpace() => "r" + Guid.NewGuid().ToString("N")[..10];

    private (ProfileRegistry Registry, SqlProfileStore Store) Create()
    {
        var store = new SqlProfileStore(fixture.Db.Database, _time);
        return (new ProfileRegistry(store, new ProfileCache(store), _time), store);
    }

    [Fact]
    public async Task Register_NewVersion_AssignsAServerUidAndStoresTheProfileUnderIt()
    {
        var (registry, store) = Create();
        var profile = TestProfiles.Custom(NewSpace());

        var registration = await registry.RegisterAsync(profile, setActive: false, bump: false, Ct);

        Assert.True(registration.Created);
        Assert.Null(registration.Problem);
        var stored = registration.Profile!;
        Assert.NotEqual(profile.Config.Uid, stored.Uid);
        Assert.Equal("1.0.0", stored.Version);
        Assert.Equal(stored.Uid, DriftProfile.FromJson(stored.ProfileJson, "stored").Config.Uid);
        Assert.Equal(stored, await store.GetAsync(stored.Uid, Ct));
    }

    [Fact]
    public async Task Register_SameVersionAndContentsAgain_ReturnsTheStoredProfile()
    {
        var (registry, _) = Create();
        var profile = TestProfiles.Custom(NewSpace());
        var first = await registry.RegisterAsync(profile, setActive: false, bump: false, Ct);

        var again = await registry.RegisterAsync(profile, setActive: false, bump: false, Ct);

        Assert.False(again.Created);
        Assert.Null(again.Problem);
        Assert.Equal(first.Profile!.Uid, again.Profile!.Uid);
    }

    [Fact]
    public async Task Register_SameVersionOtherContents_IsAConflictNamingTheFieldAndTheStoredUid()
    {
        var (registry, _) = Create();
        var space = NewSpace();
        var first = await registry.RegisterAsync(TestProfiles.Custom(space), setActive: false, bump: false, Ct);
        var other = new CustomDriftProfile(TestProfiles.Custom(space).Config, [new CustomMetric("mae", 2.0, AlertThreshold.Above, 0.5)]);

        var again = await registry.RegisterAsync(other, setActive: false, bump: false, Ct);

        var problem = Assert.IsType<RegistryProblem>(again.Problem);
        Assert.Equal(RegistryRefusal.Conflict, problem.Refusal);
        Assert.Equal("profile_exists", problem.Code);
        Assert.NotNull(problem.Field);
        Assert.Equal(first.Profile!.Uid, problem.Uid);
        Assert.Null(again.Profile);
    }

    [Fact]
    public async Task Register_WithBump_TakesTheNextPatchAfterTheHighestVersion()
    {
        var (registry, _) = Create();
        var space = NewSpace();
        await registry.RegisterAsync(TestProfiles.Custom(space, version: "1.2.3"), setActive: false, bump: false, Ct);
        await registry.RegisterAsync(TestProfiles.Custom(space, version: "1.10.0"), setActive: false, bump: false, Ct);

        var bumped = await registry.RegisterAsync(TestProfiles.Custom(space, version: "1.2.3"), setActive: false, bump: true, Ct);

        Assert.True(bumped.Created);
        Assert.Equal("1.10.1", bumped.Profile!.Version);
    }

    [Fact]
    public async Task Register_Active_DeactivatesTheOtherVersions()
    {
        var (registry, store) = Create();
        var space = NewSpace();
        var first = await registry.RegisterAsync(TestProfiles.Custom(space, version: "1.0.0"), setActive: true, bump: false, Ct);

        var second = await registry.RegisterAsync(TestProfiles.Custom(space, version: "2.0.0"), setActive: true, bump: false, Ct);

        Assert.True(second.Profile!.Active);
        Assert.False((await store.GetAsync(first.Profile!.Uid, Ct))!.Active);
    }

    [Fact]
    public async Task RegisterAgain_Active_ActivatesTheStoredVersionAndDeactivatesTheOthers()
    {
        var (registry, store) = Create();
        var space = NewSpace();
        var first = await registry.RegisterAsync(TestProfiles.Custom(space, version: "1.0.0"), setActive: false, bump: false, Ct);
        var second = await registry.RegisterAsync(TestProfiles.Custom(space, version: "2.0.0"), setActive: true, bump: false, Ct);

        var again = await registry.RegisterAsync(TestProfiles.Custom(space, version: "1.0.0"), setActive: true, bump: false, Ct);

        Assert.Equal(first.Profile!.Uid, again.Profile!.Uid);
        Assert.True(again.Profile.Active);
        Assert.False((await store.GetAsync(second.Profile!.Uid, Ct))!.Active);
    }

    [Fact]
    public async Task SetActive_WithDeactivateOthers_LeavesOnlyThatVersionActive()
    {
        var (registry, store) = Create();
        var space = NewSpace();
        var first = await registry.RegisterAsync(TestProfiles.Custom(space, version: "1.0.0"), setActive: true, bump: false, Ct);
        var second = await registry.RegisterAsync(TestProfiles.Custom(space, version: "2.0.0"), setActive: false, bump: false, Ct);

        var activated = await registry.SetActiveAsync(second.Profile!.Uid, active: true, deactivateOthers: true, Ct);

        Assert.True(activated!.Active);
        Assert.NotNull(activated.NextRun);
        Assert.False((await store.GetAsync(first.Profile!.Uid, Ct))!.Active);
        Assert.Null(await registry.SetActiveAsync(Guid.NewGuid(), active: true, deactivateOthers: false, Ct));
    }

    [Fact]
    public async Task UpdateAlerts_ChangesTheScheduleOnly()
    {
        var (registry, _) = Create();
        var space = NewSpace();
        var registered = (await registry.RegisterAsync(TestProfiles.Custom(space), setActive: false, bump: false, Ct)).Profile!;

        var (updated, problem) = await registry.UpdateAlertsAsync(registered, TestProfiles.Custom(space, schedule: CommonCrons.EveryHour), Ct);

        Assert.Null(problem);
        Assert.Equal(CommonCrons.EveryHour, updated!.Schedule);
        Assert.Equal(registered.Uid, DriftProfile.FromJson(updated.ProfileJson, "stored").Config.Uid);
    }

    [Fact]
    public async Task UpdateAlerts_ChangingADriftMathField_IsRefusedAsImmutable()
    {
        var (registry, store) = Create();
        var space = NewSpace();
        var registered = (await registry.RegisterAsync(TestProfiles.Custom(space), setActive: false, bump: false, Ct)).Profile!;
        var changed = new CustomDriftProfile(TestProfiles.Custom(space).Config, [new CustomMetric("mae", 3.0, AlertThreshold.Above, 0.5)]);

        var (updated, problem) = await registry.UpdateAlertsAsync(registered, changed, Ct);

        Assert.Null(updated);
        Assert.Equal(RegistryRefusal.Immutable, problem!.Refusal);
        Assert.Equal("profile_immutable", problem.Code);
        Assert.Equal(registered, await store.GetAsync(registered.Uid, Ct));

        var (_, otherType) = await registry.UpdateAlertsAsync(registered, TestProfiles.Spc(space), Ct);
        Assert.Equal("profile.drift_type", otherType!.Field);
    }

    [Theory]
    [InlineData(new[] { "1.0.0" }, "1.0.1")]
    [InlineData(new[] { "1.9.0", "1.10.0", "0.99.99" }, "1.10.1")]
    [InlineData(new[] { "2.0.0-beta+7", "1.0.0" }, "2.0.1")]
    [InlineData(new[] { "v1", "1.0", "x.y.z" }, null)]
    public void NextPatch_IsOneAfterTheHighestParsableVersion(string[] versions, string? expected) =>
        Assert.Equal(expected, ProfileRegistry.NextPatch(versions));
}
