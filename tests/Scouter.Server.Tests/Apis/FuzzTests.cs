using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Scouter.Server.Auth;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Apis;

/// <summary>
/// The API fuzz, driven by the server's own OpenAPI document: for every operation it documents, a
/// valid request against seeded data is broken by <see cref="RequestMutator"/> (seeded, so a run
/// repeats exactly) and sent as a global admin and as a user with write on one space, on SQLite and
/// PostgreSQL. No answer may be a 5xx; every 4xx is a problem detail with a code (a 400 also names
/// its field); a 2xx is one the document lists. Afterwards the tables hold exactly what the accepted
/// requests stored: the record rows of the accepted batches (less their refused records), one
/// ingested batch per accepted batch id, one profile per 201 registration, users and API keys as
/// created and deleted. <c>SCOUTER_FUZZ_CASES</c>, <c>SCOUTER_FUZZ_SEED</c> and
/// <c>SCOUTER_FUZZ_ONLY</c> widen or narrow a run (docs/server-data.md, "API fuzz").
/// </summary>
public sealed class FuzzTests
{
    private const int DefaultCases = 14_000;
    private const int DefaultSeed = 20_26_11_20;
    private const int Concurrency = 8;
    private const string Space = "fuzz";
    private const string OtherSpace = "fz-other";
    private const string WriterName = "fz-writer";
    private const string LoginName = "fz-login";

    /// <summary>Users the fuzz must never address: its own callers.</summary>
    private static readonly string[] Callers = ["admin", WriterName];

    private static readonly string[] RecordTables = ["psi_counts", "spc_samples", "custom_values", "llm_records"];

    /// <summary>Relative share of the cases; operations that hash a password (about 50 ms each) get fewer.</summary>
    private static readonly Dictionary<string, double> Weights = new(StringComparer.Ordinal)
    {
        ["POST /api/v1/records"] = 4,
        ["POST /api/v1/profiles"] = 2,
        ["POST /api/v1/auth/token"] = 0.25,
        ["POST /api/v1/auth/session"] = 0.25,
        ["POST /api/v1/users"] = 0.25,
        ["PUT /api/v1/users/{name}"] = 0.5,
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task EveryOperation_MutatedRequests_NeverGet5xx_AlwaysGetCodedProblems_AndStoreExactlyTheAcceptedRows(SqlDialect dialect)
    {
        var settings = Settings.FromEnvironment();
        await using var server = await TestServer.StartAsync(dialect);
        var operations = await ReadDocumentAsync(server);
        var world = await World.SeedAsync(server);
        var templates = Templates(world);
        // Driven by the document: an operation without a valid request here fails the test instead of going unfuzzed.
        Assert.Equal(operations.Keys.Order(StringComparer.Ordinal), templates.Keys.Order(StringComparer.Ordinal));
        var selected = operations.Values.Where(o => settings.Only is null || o.Key.Contains(settings.Only, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(selected.Count > 0, $"SCOUTER_FUZZ_ONLY='{settings.Only}' matches no operation of: {string.Join(", ", operations.Keys)}");
        var weights = selected.Select(o => Weights.GetValueOrDefault(o.Key, 1)).ToArray();
        var callers = new (string Name, HttpClient Client)[]
        {
            ("admin", server.Admin),
            (WriterName, await server.CreateUserClientAsync(WriterName, TestServer.Grants((Space, SpaceRole.Write)))),
        };
        var baseline = await Counts.ReadAsync(server.Database.Database);
        var requestLineLimit = server.App.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.MaxRequestLineSize;
        var reproduce = $"SCOUTER_FUZZ_SEED={settings.Seed} SCOUTER_FUZZ_CASES={settings.Cases}"
            + (settings.Only is null ? string.Empty : $" SCOUTER_FUZZ_ONLY='{settings.Only}'") + $" ({dialect})";
        TestContext.Current.TestOutputHelper?.WriteLine($"API fuzz: {reproduce}, {selected.Count} operations");

        var tally = new Tally();
        var clock = Stopwatch.StartNew();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < settings.Cases)
            {
                var rng = new Random(CaseSeed(settings.Seed, index));
                var operation = selected[Pick(rng, weights)];
                var (caller, client) = callers[rng.Next(callers.Length)];
                var request = new RequestMutator(rng, world.KnownValues).Mutate(templates[operation.Key](rng), operation.Shape);
                if (AddressesACaller(operation, request))
                {
                    tally.Guarded();
                    continue;
                }
                await SendAsync(client, server.Url, new Case(index, operation, caller, request), tally, requestLineLimit);
            }
        }, Ct)));
        var elapsed = clock.Elapsed;

        var report = tally.Report(settings.Cases, elapsed, reproduce);
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        Assert.True(tally.Failures.Count == 0, $"{tally.Failures.Count} bad answers ({reproduce}), e.g.:\n{string.Join("\n", tally.Failures.Take(12))}\n{report}");
        foreach (var operation in selected.Where(o => !CookieOnly.Contains(o.Key)))
        {
            // Each operation reached its handler both ways, or the fuzz proved little about it.
            Assert.True(tally.Successes(operation.Key) > 0, $"{operation.Key}: no request succeeded\n{report}");
            Assert.True(tally.ClientErrors(operation.Key) > 0, $"{operation.Key}: no request was refused\n{report}");
        }

        // Stored-row accounting.
        var expected = baseline with
        {
            Profiles = baseline.Profiles + tally.Count("POST /api/v1/profiles", 201),
            Users = baseline.Users + tally.Count("POST /api/v1/users", 201) - tally.Count("DELETE /api/v1/users/{name}", 204),
            ApiKeys = baseline.ApiKeys + tally.Count("POST /api/v1/api-keys", 201),
        };
        var batches = tally.AcceptedBatches(world.SetupBatches);
        Assert.True(batches.Failures.Count == 0, $"{batches.Failures.Count} inconsistent ingest answers ({reproduce}):\n{string.Join("\n", batches.Failures.Take(12))}");
        expected = expected with { Batches = baseline.Batches + batches.Accepted.Count, Rows = [.. baseline.Rows.Zip(batches.Rows, (a, b) => a + b)] };
        Assert.Equal(expected, await Counts.ReadAsync(server.Database.Database));

        // Accepted batches sent again verbatim are duplicates and add no rows.
        foreach (var body in batches.Accepted.Take(25))
        {
            using var again = await server.Admin.PostAsync("/api/v1/records", Json(body), Ct);
            var text = await again.Content.ReadAsStringAsync(Ct);
            Assert.True(again.StatusCode == HttpStatusCode.Accepted && JsonNode.Parse(text)!["duplicate"]!.GetValue<bool>(), $"resent batch: {text}");
        }
        Assert.Equal(expected, await Counts.ReadAsync(server.Database.Database));

        // The callers were never disabled, deleted or re-keyed by the fuzz.
        foreach (var (name, client) in callers)
        {
            using var probe = await client.GetAsync($"/api/v1/profiles?space={Space}", Ct);
            Assert.True(probe.StatusCode == HttpStatusCode.OK, $"{name} lost access: {(int)probe.StatusCode}");
        }
    }

    // ---- the OpenAPI document ----

    private sealed record Operation(string Key, string Method, string Template, IReadOnlySet<int> Successes, OperationShape Shape);

    /// <summary>Every operation of <c>/openapi/v1.json</c> by <c>METHOD /template</c>.</summary>
    private static async Task<Dictionary<string, Operation>> ReadDocumentAsync(TestServer server)
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri(server.Url) };
        using var document = JsonDocument.Parse(await anonymous.GetStringAsync("/openapi/v1.json", Ct));
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        var result = new Dictionary<string, Operation>(StringComparer.Ordinal);
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var op in path.Value.EnumerateObject())
            {
                if (op.Name == "parameters") continue;
                var method = op.Name.ToUpperInvariant();
                var query = op.Value.TryGetProperty("parameters", out var parameters)
                    ? [.. parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!)]
                    : new List<string>();
                var properties = new List<string>();
                if (op.Value.TryGetProperty("requestBody", out var body)
                    && body.GetProperty("content").TryGetProperty("application/json", out var json)
                    && json.GetProperty("schema").TryGetProperty("$ref", out var reference)
                    && schemas.GetProperty(reference.GetString()!.Split('/')[^1]).TryGetProperty("properties", out var props))
                {
                    properties.AddRange(props.EnumerateObject().Select(p => p.Name));
                }
                var successes = op.Value.GetProperty("responses").EnumerateObject().Select(r => int.Parse(r.Name, CultureInfo.InvariantCulture)).Where(s => s is >= 200 and < 300).ToHashSet();
                var key = $"{method} {path.Name}";
                result[key] = new Operation(key, method, path.Name, successes, new OperationShape(query, properties));
            }
        }
        return result;
    }

    // ---- seeded data and valid requests ----

    /// <summary>What the valid requests point at, created through the API.</summary>
    private sealed class World
    {
        public DateTimeOffset Now { get; } = TimeProvider.System.GetUtcNow();

        public Dictionary<string, Guid> Profiles { get; } = new(StringComparer.Ordinal);

        public Dictionary<Guid, JsonNode> ProfileJson { get; } = [];

        public List<string> Targets { get; } = [.. Enumerable.Range(0, 8).Select(i => "fz-target-" + i.ToString(CultureInfo.InvariantCulture))];

        public List<string> KeyIds { get; } = [];

        public List<string> RefreshTokens { get; } = [];

        public List<Guid> SetupBatches { get; } = [];

        public long AlertId { get; private set; }

        /// <summary>Failed LLM records of the LLM profile (so that retries can succeed), written before the fuzz's row baseline.</summary>
        public List<Guid> LlmRecordIds { get; } = [];

        public List<string> KnownValues { get; } = [];

        public static async Task<World> SeedAsync(TestServer server)
        {
            var world = new World();
            foreach (var (name, profile) in new (string, DriftProfile)[]
            {
                ("psi", TestProfiles.Psi(Space, "fz-psi")), ("spc", TestProfiles.Spc(Space, "fz-spc")), ("custom", TestProfiles.Custom(Space, "fz-custom")),
                ("llm", TestProfiles.Llm(Space, "fz-llm")), ("other", TestProfiles.Psi(OtherSpace, "fz-other-psi")),
            })
            {
                var body = new JsonObject { ["profile"] = JsonNode.Parse(profile.ToJson()), ["set_active"] = false, ["bump"] = false };
                var uid = (await SendOkAsync(server.Admin, HttpMethod.Post, "/api/v1/profiles", body))["uid"]!.GetValue<Guid>();
                world.Profiles[name] = uid;
                using var stored = await server.Admin.GetAsync($"/api/v1/profiles/{uid}", Ct);
                world.ProfileJson[uid] = JsonNode.Parse(await stored.Content.ReadAsStringAsync(Ct))!;
            }
            foreach (var target in world.Targets)
                await SendOkAsync(server.Admin, HttpMethod.Post, "/api/v1/users", new JsonObject { ["name"] = target, ["password"] = "password-of-" + target });
            await SendOkAsync(server.Admin, HttpMethod.Post, "/api/v1/users",
                new JsonObject { ["name"] = LoginName, ["password"] = "password-of-" + LoginName, ["spaces"] = new JsonObject { [Space] = "read" } });
            for (var i = 0; i < 12; i++)
            {
                world.KeyIds.Add((await server.CreateApiKeyAsync(TestServer.Grants((Space, SpaceRole.Read)), "fz-key")).Id);
                world.RefreshTokens.Add((await server.LoginAsync(LoginName, "password-of-" + LoginName)).RefreshToken);
            }

            var rng = new Random(DefaultSeed - 1);
            for (var i = 0; i < 20; i++)
            {
                var batch = world.ValidBatch(rng);
                await SendOkAsync(server.Admin, HttpMethod.Post, "/api/v1/records", batch);
                world.SetupBatches.Add(Guid.Parse(batch["batch_id"]!.GetValue<string>(), CultureInfo.InvariantCulture));
            }
            // mae mean 5 is above baseline 1 + delta 0.5: the manual check opens an alert to acknowledge.
            var drift = new JsonObject
            {
                ["batch_id"] = Guid.CreateVersion7().ToString(),
                ["records"] = new JsonArray(new JsonObject
                {
                    ["type"] = "custom", ["uid"] = world.Profiles["custom"].ToString(), ["created_at"] = Time(world.Now.AddMinutes(-1)), ["metric"] = "mae", ["sum"] = 50, ["count"] = 10,
                }),
            };
            await SendOkAsync(server.Admin, HttpMethod.Post, "/api/v1/records", drift);
            world.SetupBatches.Add(Guid.Parse(drift["batch_id"]!.GetValue<string>(), CultureInfo.InvariantCulture));
            await SendOkAsync(server.Admin, HttpMethod.Post, $"/api/v1/profiles/{world.Profiles["custom"]}/run", null);
            var alerts = await SendOkAsync(server.Admin, HttpMethod.Get, $"/api/v1/alerts?uid={world.Profiles["custom"]}", null);
            world.AlertId = alerts["items"]![0]!["id"]!.GetValue<long>();

            world.LlmRecordIds.AddRange(await Seed.LlmRecordsAsync(server.Database.Database, world.Profiles["llm"], world.Now.AddMinutes(-1), "failed", 200, "judge_unavailable"));

            world.KnownValues.AddRange(world.Profiles.Values.Select(u => u.ToString()));
            world.KnownValues.AddRange(world.LlmRecordIds.Take(5).Select(id => id.ToString()));
            world.KnownValues.AddRange(world.SetupBatches.Select(b => b.ToString()));
            world.KnownValues.AddRange(world.Targets);
            world.KnownValues.AddRange(world.KeyIds);
            world.KnownValues.AddRange([world.AlertId.ToString(CultureInfo.InvariantCulture), Space, OtherSpace, LoginName, "psi", "spc", "custom", "llm", "read", "write", "none", "age", "x", "warning", "critical", "out_of_bounds"]);
            return world;
        }

        /// <summary>A valid batch of 1-4 records of the space's profiles: one drift type, or a mix.</summary>
        public JsonObject ValidBatch(Random rng)
        {
            var records = new JsonArray();
            var mixed = rng.Next(4) == 0;
            var type = rng.Next(4);
            for (int n = rng.Next(1, 5), i = 0; i < n; i++)
            {
                var at = Time(Now - TimeSpan.FromSeconds(rng.Next(60, 36_000)));
                records.Add((mixed ? rng.Next(4) : type) switch
                {
                    0 => new JsonObject
                    {
                        ["type"] = "psi", ["uid"] = Profiles["psi"].ToString(), ["created_at"] = at, ["feature"] = rng.Next(2) == 0 ? "age" : "color",
                        ["bin_counts"] = new JsonObject { ["0"] = rng.Next(0, 3), ["1"] = rng.Next(1, 50), ["2"] = rng.Next(0, 50) },
                    },
                    1 => new JsonObject { ["type"] = "spc", ["uid"] = Profiles["spc"].ToString(), ["created_at"] = at, ["feature"] = "x", ["mean"] = 8 + (rng.NextDouble() * 4), ["count"] = rng.Next(1, 50) },
                    2 => new JsonObject
                    {
                        ["type"] = "custom", ["uid"] = Profiles["custom"].ToString(), ["created_at"] = at, ["metric"] = rng.Next(2) == 0 ? "mae" : "acc",
                        ["sum"] = rng.NextDouble() * 10, ["count"] = rng.Next(1, 20),
                    },
                    _ => new JsonObject
                    {
                        ["type"] = "llm", ["uid"] = Profiles["llm"].ToString(), ["created_at"] = at, ["record_id"] = NewGuid(rng).ToString(),
                        ["input"] = "question " + rng.Next(1000).ToString(CultureInfo.InvariantCulture), ["response"] = "answer",
                        ["prompt"] = null, ["context"] = new JsonObject { ["k"] = rng.Next(100) },
                    },
                });
            }
            return new JsonObject { ["batch_id"] = NewGuid(rng).ToString(), ["sent_at"] = Time(Now), ["records"] = records };
        }

        public Guid AnyProfile(Random rng) => Profiles.Values.ElementAt(rng.Next(Profiles.Count));
    }

    /// <summary>A valid request per operation of the document (unknown uids and names are left to the mutations).</summary>
    private static Dictionary<string, Func<Random, ApiRequest>> Templates(World w)
    {
        static ApiRequest Req(string method, string template, JsonNode? body = null, Dictionary<string, string>? path = null, params (string Name, string? Value)[] query) =>
            new(method, template, path ?? [], [.. query.Where(q => q.Value is not null).Select(q => KeyValuePair.Create(q.Name, q.Value!))], body);
        static string? Maybe(Random rng, string value) => rng.Next(2) == 0 ? value : null;
        string? Window(Random rng, int hours) => Maybe(rng, Time(w.Now.AddHours(hours)));
        string Target(Random rng) => w.Targets[rng.Next(w.Targets.Count)];
        Dictionary<string, string> Uid(Guid uid) => new(StringComparer.Ordinal) { ["uid"] = uid.ToString() };
        ApiRequest Drift(string type, Random rng, string? feature = null) => Req("GET", "/api/v1/drift/" + type, null, null,
            ("uid", w.Profiles[type].ToString()), ("from", Window(rng, -24)), ("to", Window(rng, 1)), ("buckets", Maybe(rng, rng.Next(1, 50).ToString(CultureInfo.InvariantCulture))),
            ("feature", feature is null ? null : Maybe(rng, feature)));

        return new(StringComparer.Ordinal)
        {
            ["POST /api/v1/auth/token"] = _ => Req("POST", "/api/v1/auth/token", new JsonObject { ["username"] = LoginName, ["password"] = "password-of-" + LoginName }),
            ["POST /api/v1/auth/refresh"] = rng => Req("POST", "/api/v1/auth/refresh", new JsonObject { ["refresh_token"] = w.RefreshTokens[rng.Next(w.RefreshTokens.Count)] }),
            ["POST /api/v1/auth/session"] = _ => Req("POST", "/api/v1/auth/session", new JsonObject { ["username"] = LoginName, ["password"] = "password-of-" + LoginName }),
            ["POST /api/v1/auth/session/refresh"] = _ => Req("POST", "/api/v1/auth/session/refresh"),
            ["DELETE /api/v1/auth/session"] = _ => Req("DELETE", "/api/v1/auth/session"),
            ["GET /api/v1/me"] = _ => Req("GET", "/api/v1/me"),
            ["GET /api/v1/users"] = _ => Req("GET", "/api/v1/users"),
            ["POST /api/v1/users"] = rng => Req("POST", "/api/v1/users", new JsonObject
            {
                ["name"] = Target(rng), ["password"] = "a-long-password", ["global_role"] = "none", ["spaces"] = new JsonObject { [Space] = "read" }, ["disabled"] = false,
            }),
            ["GET /api/v1/users/{name}"] = rng => Req("GET", "/api/v1/users/{name}", null, new() { ["name"] = Target(rng) }),
            ["PUT /api/v1/users/{name}"] = rng =>
            {
                var body = new JsonObject();
                if (rng.Next(4) == 0) body["password"] = "new-password-" + rng.Next(100).ToString(CultureInfo.InvariantCulture);
                if (rng.Next(2) == 0) body["global_role"] = rng.Next(4) == 0 ? "admin" : "none";
                if (rng.Next(2) == 0) body["spaces"] = new JsonObject { [Space] = rng.Next(2) == 0 ? "read" : "write" };
                if (rng.Next(2) == 0) body["disabled"] = rng.Next(3) == 0;
                return Req("PUT", "/api/v1/users/{name}", body, new() { ["name"] = Target(rng) });
            },
            ["DELETE /api/v1/users/{name}"] = rng => Req("DELETE", "/api/v1/users/{name}", null, new() { ["name"] = Target(rng) }),
            ["POST /api/v1/api-keys"] = rng => Req("POST", "/api/v1/api-keys", new JsonObject
            {
                ["name"] = "fz-key-" + rng.Next(100).ToString(CultureInfo.InvariantCulture), ["spaces"] = new JsonObject { [Space] = "read" }, ["expires_at"] = Time(w.Now.AddDays(1)),
            }),
            ["GET /api/v1/api-keys"] = _ => Req("GET", "/api/v1/api-keys"),
            ["DELETE /api/v1/api-keys/{id}"] = rng => Req("DELETE", "/api/v1/api-keys/{id}", null, new() { ["id"] = w.KeyIds[rng.Next(w.KeyIds.Count)] }),
            ["POST /api/v1/profiles"] = rng =>
            {
                var profiles = new DriftProfile[] { TestProfiles.Psi(Space), TestProfiles.Spc(Space), TestProfiles.Custom(Space), TestProfiles.Llm(Space) };
                var profile = JsonNode.Parse(profiles[rng.Next(profiles.Length)].ToJson())!;
                profile["config"]!["name"] = "fz-" + rng.Next(50).ToString(CultureInfo.InvariantCulture);
                // Same bytes every run (the client-side uid and creation time are otherwise random / now).
                profile["config"]!["uid"] = NewGuid(rng).ToString();
                profile["created_at"] = "2026-01-01T00:00:00+00:00";
                return Req("POST", "/api/v1/profiles", new JsonObject { ["profile"] = profile, ["set_active"] = rng.Next(4) == 0, ["bump"] = rng.Next(8) > 0 });
            },
            ["GET /api/v1/profiles"] = rng => Req("GET", "/api/v1/profiles", null, null,
                ("space", Maybe(rng, Space)), ("name", Maybe(rng, "fz-psi")), ("version", Maybe(rng, "1.0.0")), ("drift_type", Maybe(rng, "psi"))),
            ["GET /api/v1/profiles/{uid}"] = rng => Req("GET", "/api/v1/profiles/{uid}", null, Uid(w.AnyProfile(rng))),
            ["PUT /api/v1/profiles/{uid}"] = rng =>
            {
                var uid = w.AnyProfile(rng);
                return Req("PUT", "/api/v1/profiles/{uid}", new JsonObject { ["profile"] = w.ProfileJson[uid].DeepClone() }, Uid(uid));
            },
            ["PUT /api/v1/profiles/{uid}/status"] = rng => Req("PUT", "/api/v1/profiles/{uid}/status",
                new JsonObject { ["active"] = rng.Next(2) == 0, ["deactivate_others"] = rng.Next(2) == 0 }, Uid(w.AnyProfile(rng))),
            ["POST /api/v1/records"] = rng => Req("POST", "/api/v1/records", w.ValidBatch(rng)),
            ["GET /api/v1/drift/psi"] = rng => Drift("psi", rng, rng.Next(2) == 0 ? "age" : "color"),
            ["GET /api/v1/drift/spc"] = rng => Drift("spc", rng, "x"),
            ["GET /api/v1/drift/custom"] = rng => Drift("custom", rng),
            ["GET /api/v1/drift/llm"] = rng => Drift("llm", rng),
            ["POST /api/v1/profiles/{uid}/run"] = rng => Req("POST", "/api/v1/profiles/{uid}/run", null, Uid(w.AnyProfile(rng))),
            ["GET /api/v1/profiles/{uid}/checks"] = rng => Req("GET", "/api/v1/profiles/{uid}/checks", null, Uid(w.AnyProfile(rng)),
                ("from", Window(rng, -24)), ("to", Window(rng, 1)), ("page", Maybe(rng, "1")), ("page_size", Maybe(rng, "10"))),
            ["GET /api/v1/alerts"] = rng => Req("GET", "/api/v1/alerts", null, null,
                ("uid", Maybe(rng, w.Profiles["custom"].ToString())), ("space", Maybe(rng, Space)), ("status", Maybe(rng, "firing")),
                ("from", Window(rng, -24)), ("to", Window(rng, 1)), ("page", Maybe(rng, "1")), ("page_size", Maybe(rng, "50")),
                ("open", Maybe(rng, rng.Next(2) == 0 ? "true" : "false")), ("severity", Maybe(rng, "warning")), ("kind", Maybe(rng, "custom"))),
            ["GET /api/v1/overview"] = rng => Req("GET", "/api/v1/overview", null, null, ("space", Maybe(rng, Space))),
            ["GET /api/v1/llm/records"] = rng => Req("GET", "/api/v1/llm/records", null, null,
                ("uid", w.Profiles["llm"].ToString()), ("status", Maybe(rng, rng.Next(2) == 0 ? "failed" : "pending")),
                ("from", Window(rng, -24)), ("to", Window(rng, 1)), ("page", Maybe(rng, "1")), ("page_size", Maybe(rng, "50"))),
            ["GET /api/v1/llm/records/{id}"] = rng => Req("GET", "/api/v1/llm/records/{id}", null, new() { ["id"] = w.LlmRecordIds[rng.Next(w.LlmRecordIds.Count)].ToString() }),
            ["POST /api/v1/llm/records/{id}/retry"] = rng => Req("POST", "/api/v1/llm/records/{id}/retry", null,
                new() { ["id"] = w.LlmRecordIds[rng.Next(w.LlmRecordIds.Count)].ToString() }),
            ["POST /api/v1/alerts/{id}/acknowledge"] = _ => Req("POST", "/api/v1/alerts/{id}/acknowledge", null,
                new() { ["id"] = w.AlertId.ToString(CultureInfo.InvariantCulture) }),
        };
    }

    /// <summary>
    /// Operations whose outcome depends on the session cookie the client holds at that moment (the fuzz
    /// clients are bearer clients; their cookie jar only has what a fuzzed session login left): fuzzed
    /// for "never 5xx, always a coded problem", not required to both succeed and fail.
    /// </summary>
    private static readonly HashSet<string> CookieOnly = new(StringComparer.Ordinal) { "POST /api/v1/auth/session/refresh", "DELETE /api/v1/auth/session" };

    /// <summary>
    /// Whether <paramref name="request"/> would change one of the fuzz's own callers (their sessions
    /// end when they are deleted, disabled or given a new password): such a case is not sent.
    /// </summary>
    private static bool AddressesACaller(Operation operation, FuzzedRequest request)
    {
        if (!operation.Template.StartsWith("/api/v1/users/", StringComparison.Ordinal)) return false;
        var name = Uri.UnescapeDataString(request.Target.Split('?')[0].Split('/')[^1]).Trim();
        return Callers.Any(c => name.Contains(c, StringComparison.OrdinalIgnoreCase));
    }

    // ---- sending and judging ----

    private sealed record Case(int Index, Operation Operation, string Caller, FuzzedRequest Request);

    private static async Task SendAsync(HttpClient client, string baseUrl, Case c, Tally tally, long requestLineLimit)
    {
        var r = c.Request;
        Uri uri;
        try
        {
            uri = new Uri(baseUrl + r.Target);
        }
        catch (UriFormatException)
        {
            // Longer than System.Uri accepts: no client can send it.
            tally.Unsendable();
            return;
        }
        using var message = new HttpRequestMessage(new HttpMethod(r.Method), uri);
        // What the dashboard sends: the session endpoints need it; bearer callers ignore it.
        message.Headers.TryAddWithoutValidation(Scouter.Server.Auth.CsrfGuard.HeaderName, "1");
        message.Headers.TryAddWithoutValidation("Origin", baseUrl);
        if (r.Body is not null)
        {
            message.Content = new ByteArrayContent(r.Body);
            // Unvalidated: malformed content types are among the mutations.
            if (r.ContentType is not null) message.Content.Headers.TryAddWithoutValidation("Content-Type", r.ContentType);
        }
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(message, Ct);
        }
        catch (HttpRequestException ex)
        {
            tally.Add(c, 0, Describe(c, uri.PathAndQuery, 0, string.Empty, "no answer: " + ex.Message), string.Empty);
            return;
        }
        using var _ = response;
        var status = (int)response.StatusCode;
        var contentType = response.Content.Headers.ContentType?.MediaType;
        var text = await response.Content.ReadAsStringAsync(Ct);
        var sent = uri.PathAndQuery;
        if (KestrelRefusal(status, contentType, text, r.Method, sent, requestLineLimit))
        {
            tally.Excused(status);
            return;
        }
        var problem = Judge(c, status, contentType, text);
        tally.Add(c, status, problem is null ? null : Describe(c, sent, status, text, problem), text);
    }

    /// <summary>What is wrong with an answer, or null.</summary>
    private static string? Judge(Case c, int status, string? contentType, string text)
    {
        if (status >= 500) return "server error";
        if (status is >= 200 and < 300) return c.Operation.Successes.Contains(status) ? null : "success status the document does not list";
        if (status is < 400) return "unexpected status";
        if (contentType != "application/problem+json") return $"content type {contentType ?? "none"}, not a problem";
        JsonElement problem;
        try
        {
            problem = JsonDocument.Parse(text).RootElement;
        }
        catch (JsonException)
        {
            return "problem is not JSON";
        }
        if (problem.ValueKind != JsonValueKind.Object || !problem.TryGetProperty("code", out var code) || code.GetString() is not { Length: > 0 }) return "problem without a code";
        if (!problem.TryGetProperty("status", out var problemStatus) || problemStatus.ValueKind != JsonValueKind.Number || problemStatus.GetInt32() != status)
            return "problem status differs from the HTTP status";
        if (status == 400 && (!problem.TryGetProperty("field", out var field) || field.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(field.GetString())))
            return "400 without a field";
        if (status == 401 && !c.Operation.Template.StartsWith("/api/v1/auth/", StringComparison.Ordinal)) return "the caller's session ended";
        return null;
    }

    /// <summary>
    /// Kestrel answers two kinds of request itself, with an empty body, before any route or
    /// middleware of the server runs: a path holding an encoded NUL (<c>%00</c>) gets 400, a request
    /// line longer than <c>MaxRequestLineSize</c> gets 414. Only those exact cases are excused.
    /// </summary>
    private static bool KestrelRefusal(int status, string? contentType, string text, string method, string sent, long requestLineLimit) =>
        contentType is null && text.Length == 0 && status switch
        {
            400 => sent.Split('?')[0].Contains("%00", StringComparison.Ordinal),
            414 => method.Length + 1 + sent.Length + " HTTP/1.1\r\n".Length > requestLineLimit,
            _ => false,
        };

    private static string Describe(Case c, string sent, int status, string text, string problem)
    {
        var r = c.Request;
        var body = r.Body is null ? "none" : $"{r.Body.Length} bytes {Clip(Encoding.UTF8.GetString(r.Body), 300)}";
        return $"#{c.Index} as {c.Caller}: {r.Method} {Clip(sent, 300)} [{r.ContentType ?? "no content type"}] body {body} | mutations: {Clip(r.Mutations, 300)}"
            + $"\n    → {status} {Clip(text, 400)} | {problem}";
    }

    /// <summary>Answers gathered by the workers.</summary>
    private sealed class Tally
    {
        private readonly Lock _lock = new();
        private readonly SortedDictionary<string, SortedDictionary<int, int>> _statuses = new(StringComparer.Ordinal);
        private readonly List<(Case Case, string Answer)> _ingested = [];
        private readonly SortedDictionary<int, int> _excused = [];
        private int _guarded;
        private int _unsendable;

        public List<string> Failures { get; } = [];

        public void Add(Case c, int status, string? failure, string text)
        {
            lock (_lock)
            {
                var counts = _statuses.TryGetValue(c.Operation.Key, out var s) ? s : _statuses[c.Operation.Key] = [];
                counts[status] = counts.GetValueOrDefault(status) + 1;
                if (failure is not null) Failures.Add(failure);
                else if (c.Operation.Key == "POST /api/v1/records" && status == 202) _ingested.Add((c, text));
            }
        }

        /// <summary>An answer Kestrel gave itself (<see cref="KestrelRefusal"/>): counted, never judged.</summary>
        public void Excused(int status)
        {
            lock (_lock)
            {
                _excused[status] = _excused.GetValueOrDefault(status) + 1;
            }
        }

        public void Guarded() => Interlocked.Increment(ref _guarded);

        public void Unsendable() => Interlocked.Increment(ref _unsendable);

        public long Count(string operation, int status) => _statuses.TryGetValue(operation, out var s) ? s.GetValueOrDefault(status) : 0;

        public int Successes(string operation) => _statuses.TryGetValue(operation, out var s) ? s.Where(kv => kv.Key is >= 200 and < 300).Sum(kv => kv.Value) : 0;

        public int ClientErrors(string operation) => _statuses.TryGetValue(operation, out var s) ? s.Where(kv => kv.Key is >= 400 and < 500).Sum(kv => kv.Value) : 0;

        public string Report(int cases, TimeSpan elapsed, string reproduce)
        {
            var report = new StringBuilder();
            report.AppendLine(CultureInfo.InvariantCulture, $"{cases} cases in {elapsed.TotalSeconds:F1} s ({reproduce}); {_guarded} not sent (they addressed a caller), {_unsendable} longer than a URI can be");
            report.AppendLine(CultureInfo.InvariantCulture, $"  answered by Kestrel itself: {string.Join(", ", _excused.Select(kv => $"{kv.Key}×{kv.Value}"))}");
            foreach (var (operation, statuses) in _statuses)
                report.AppendLine(CultureInfo.InvariantCulture, $"  {operation}: {string.Join(", ", statuses.Select(kv => $"{kv.Key}×{kv.Value}"))}");
            return report.ToString();
        }

        /// <summary>The distinct accepted batches (bodies) and the record rows they stored, from the 202 answers.</summary>
        public (List<byte[]> Accepted, long[] Rows, List<string> Failures) AcceptedBatches(IEnumerable<Guid> setup)
        {
            var ids = new HashSet<Guid>(setup);
            var accepted = new List<byte[]>();
            var rows = new long[RecordTables.Length];
            var failures = new List<string>();
            var duplicates = new List<Guid>();
            foreach (var (c, text) in _ingested.OrderBy(i => i.Case.Index))
            {
                var answer = JsonNode.Parse(text)!;
                var batchId = answer["batch_id"]!.GetValue<Guid>();
                if (answer["duplicate"]!.GetValue<bool>())
                {
                    duplicates.Add(batchId);
                    continue;
                }
                var body = c.Request.Body!;
                try
                {
                    // Strict, like the server should be: the whole body must be valid UTF-8 JSON.
                    if (!System.Text.Unicode.Utf8.IsValid(body)) throw new InvalidOperationException("the body is not valid UTF-8");
                    // Property names match case-insensitively, as the API's JSON conventions (web defaults) read them.
                    var sent = JsonNode.Parse(body, new JsonNodeOptions { PropertyNameCaseInsensitive = true }, new JsonDocumentOptions { AllowDuplicateProperties = false });
                    var records = sent?["records"] as JsonArray ?? throw new InvalidOperationException("no records array");
                    if (records.Count != answer["records"]!.GetValue<int>()) failures.Add($"#{c.Index} record count differs: {Clip(text, 300)}");
                    // Records the server refused one by one are stored nowhere.
                    foreach (var index in answer["rejected"]!.AsArray().Select(r => r!["index"]!.GetValue<int>()).OrderDescending()) records.RemoveAt(index);
                    foreach (var record in records)
                    {
                        switch (record?["type"]?.GetValue<string>())
                        {
                            case "psi":
                                var bins = record["bin_counts"] as JsonObject ?? throw new InvalidOperationException("no bin_counts object");
                                rows[0] += bins.Count(kv => (kv.Value ?? throw new InvalidOperationException("a null bin count")).GetValue<long>() > 0);
                                break;
                            case "spc": rows[1]++; break;
                            case "custom": rows[2]++; break;
                            default: rows[3]++; break;
                        }
                    }
                }
                catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or ArgumentException)
                {
                    failures.Add($"#{c.Index} [{c.Request.Mutations}] accepted a body that is not valid JSON of a batch ({ex.Message}): {Clip(Encoding.UTF8.GetString(body), 600)}");
                    continue;
                }
                if (!ids.Add(batchId)) failures.Add($"#{c.Index} batch {batchId} stored twice");
                accepted.Add(body);
            }
            foreach (var id in duplicates.Where(d => !ids.Contains(d))) failures.Add($"duplicate answer for batch {id}, which was never accepted");
            return (accepted, rows, failures);
        }
    }

    /// <summary>Rows per table the accounting follows.</summary>
    private sealed record Counts(long Profiles, long Users, long ApiKeys, long Batches, long[] Rows)
    {
        public static async Task<Counts> ReadAsync(ScouterDatabase db)
        {
            var rows = new long[RecordTables.Length];
            for (var t = 0; t < rows.Length; t++)
                rows[t] = await Seed.CountAsync(db, $"select count(*) from {(t == 0 ? RecordSql.PsiRows(db.Dialect) : RecordTables[t])}");
            return new Counts(await Seed.CountAsync(db, "select count(*) from profiles"), await Seed.CountAsync(db, "select count(*) from users"),
                await Seed.CountAsync(db, "select count(*) from api_keys"), await Seed.CountAsync(db, "select count(*) from ingested_batches"), rows);
        }

        public bool Equals(Counts? other) => other is not null && (Profiles, Users, ApiKeys, Batches) == (other.Profiles, other.Users, other.ApiKeys, other.Batches)
            && Rows.SequenceEqual(other.Rows);

        public override int GetHashCode() => HashCode.Combine(Profiles, Users, ApiKeys, Batches);

        public override string ToString() =>
            $"profiles {Profiles}, users {Users}, api_keys {ApiKeys}, ingested_batches {Batches}, "
            + string.Join(", ", RecordTables.Zip(Rows, (t, n) => $"{t} {n}"));
    }

    /// <summary>Run size and seed, from the environment.</summary>
    private sealed record Settings(int Cases, int Seed, string? Only)
    {
        public static Settings FromEnvironment() => new(
            Number("SCOUTER_FUZZ_CASES", DefaultCases, 1),
            Number("SCOUTER_FUZZ_SEED", DefaultSeed, int.MinValue),
            Environment.GetEnvironmentVariable("SCOUTER_FUZZ_ONLY") is { Length: > 0 } only ? only : null);

        private static int Number(string name, int fallback, int min) =>
            Environment.GetEnvironmentVariable(name) is not { Length: > 0 } text ? fallback
                : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min ? value
                : throw new InvalidOperationException($"{name} must be an integer of at least {min}, got '{text}'.");
    }

    // ---- helpers ----

    /// <summary>
    /// The seed of case <paramref name="index"/>, mixed (SplitMix64): <see cref="Random"/> seeded with
    /// consecutive numbers draws correlated first values, which left some combinations (an operation
    /// with a given route value) out of every run.
    /// </summary>
    private static int CaseSeed(int seed, int index)
    {
        var z = unchecked(((ulong)(uint)seed << 32 | (uint)index) + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)(z ^ (z >> 31));
    }

    private static int Pick(Random rng, double[] weights)
    {
        var roll = rng.NextDouble() * weights.Sum();
        for (var i = 0; i < weights.Length; i++)
        {
            roll -= weights[i];
            if (roll < 0) return i;
        }
        return weights.Length - 1;
    }

    private static async Task<JsonNode> SendOkAsync(HttpClient client, HttpMethod method, string url, JsonNode? body)
    {
        using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : Json(Encoding.UTF8.GetBytes(body.ToJsonString())) };
        using var response = await client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"{method} {url}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    private static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static string Time(DateTimeOffset t) => t.ToString("O", CultureInfo.InvariantCulture);

    private static Guid NewGuid(Random rng)
    {
        var bytes = new byte[16];
        rng.NextBytes(bytes);
        return new Guid(bytes);
    }

    private static string Clip(string text, int length) => text.Length <= length ? text : text[..length] + $"… ({text.Length} characters)";
}
