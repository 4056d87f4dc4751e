using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Jobs;

/// <summary>
/// Three real server processes on one PostgreSQL database share 20 profiles on a 5-second cron;
/// one process is killed mid-run. Every cron slot of every profile must be covered by exactly one
/// scheduled check window: no slot checked twice, none skipped.
/// </summary>
[Collection(nameof(ReplicaTests))]
public sealed class ReplicaTests
{
    private const string AdminPassword = "replica-admin-password";
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task ThreeReplicas_OneKilled_EverySlotCheckedExactlyOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await TestDatabase.CreateAsync(SqlDialect.Postgres);
        var secret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48));
        var replicas = new List<ServerProcess>();
        try
        {
            // The first replica migrates and bootstraps alone; the other two join the running database.
            replicas.Add(await ServerProcess.StartAsync(db.PostgresUri!, secret, ct));
            replicas.AddRange(await Task.WhenAll(ServerProcess.StartAsync(db.PostgresUri!, secret, ct), ServerProcess.StartAsync(db.PostgresUri!, secret, ct)));

            using var admin = new HttpClient { BaseAddress = new Uri(replicas[0].Url) };
            var login = await admin.PostAsJsonAsync("/api/v1/auth/token", new { username = "admin", password = AdminPassword }, ct);
            login.EnsureSuccessStatusCode();
            admin.DefaultRequestHeaders.Authorization = new("Bearer", (string)JsonNode.Parse(await login.Content.ReadAsStringAsync(ct))!["access_token"]!);

            var uids = new List<Guid>();
            for (var i = 0; i < 20; i++)
            {
                var profile = new CustomDriftProfile(
                    new CustomMetricDriftConfig { Space = "replicas", Name = $"model{i}", AlertConfig = new CustomMetricAlertConfig { Schedule = "*/5 * * * * *" } },
                    [new CustomMetric("mae", 1.0, AlertThreshold.Above)]);
                var body = new JsonObject { ["profile"] = JsonNode.Parse(profile.ToJson()), ["set_active"] = true, ["bump"] = false };
                var response = await admin.PostAsync("/api/v1/profiles", new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"), ct);
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                uids.Add(Guid.Parse((string)JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["uid"]!, CultureInfo.InvariantCulture));
            }
            var activated = TimeProvider.System.GetUtcNow();

            // Let a few slots pass, then kill without warning the replica that ran the latest check (any
            // leases it holds must expire): which replica wins a slot is a matter of timing, so killing a
            // fixed one might kill an idle one. The others must take over every later slot.
            await Task.Delay(TimeSpan.FromSeconds(9), ct);
            await using var connection = await db.Database.OpenAsync(ct);
            var latestRunner = await connection.QuerySingleOrDefaultAsync<string>(
                """select runner from check_runs where "trigger" = 'schedule' order by slot desc, id desc limit 1""");
            Assert.True(latestRunner is not null, "no scheduled check ran in the first 9 s");
            var killed = replicas.Single(r => r.RunsAs(latestRunner));
            killed.Kill();
            await Task.Delay(TimeSpan.FromSeconds(14), ct);
            var stoppedAt = TimeProvider.System.GetUtcNow();
            foreach (var replica in replicas) replica.Kill();

            var runs = (await connection.QueryAsync<(Guid Uid, DateTime Slot, DateTime? WindowStart, string Runner)>(
                """select uid, slot, window_start, runner from check_runs where "trigger" = 'schedule' order by uid, slot""")).ToList();

            Assert.Equal(runs.Count, runs.Select(r => (r.Uid, r.Slot)).Distinct().Count());
            Assert.Contains(runs, r => !killed.RunsAs(r.Runner)); // a survivor took over
            foreach (var uid in uids)
            {
                var mine = runs.Where(r => r.Uid == uid).ToList();
                Assert.True(mine.Count >= 3, $"profile {uid} had {mine.Count} scheduled checks in ~23 s on a 5 s cron");
                Assert.Equal(mine[0].Slot.AddHours(-24), mine[0].WindowStart); // a first check looks back 24 h on a 5 s cron
                for (var i = 1; i < mine.Count; i++)
                {
                    Assert.Equal(mine[i - 1].Slot, mine[i].WindowStart); // windows tile the timeline: no gap, no overlap
                }

                // Every 5-second slot from activation up to the last checked one is inside exactly one window.
                var last = new DateTimeOffset(mine[^1].Slot, TimeSpan.Zero);
                for (var slot = NextSlot(activated); slot <= last; slot = slot.AddSeconds(5))
                {
                    var covering = mine.Count(r => slot > new DateTimeOffset(r.WindowStart!.Value, TimeSpan.Zero) && slot <= new DateTimeOffset(r.Slot, TimeSpan.Zero));
                    Assert.Equal(1, covering);
                }
                Assert.True(last >= stoppedAt - TimeSpan.FromSeconds(5) - Lease - TimeSpan.FromSeconds(5),
                    $"profile {uid}: last checked slot {last:O} lags the stop at {stoppedAt:O}");
            }
        }
        finally
        {
            foreach (var replica in replicas) await replica.DisposeAsync();
        }
    }

    private static DateTimeOffset NextSlot(DateTimeOffset after)
    {
        var seconds = after.ToUnixTimeSeconds();
        return DateTimeOffset.FromUnixTimeSeconds(seconds - (seconds % 5) + 5);
    }

    /// <summary>One server process started from the build output next to the tests.</summary>
    private sealed class ServerProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly string _dataDir;

        private ServerProcess(Process process, string url, string dataDir)
        {
            _process = process;
            Url = url;
            _dataDir = dataDir;
        }

        public string Url { get; }

        public static async Task<ServerProcess> StartAsync(string databaseUri, string secret, CancellationToken ct)
        {
            var port = FreePort();
            var dataDir = Directory.CreateTempSubdirectory("scouter-replica-").FullName;
            var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Scouter.Server.dll")])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["SCOUTER_PORT"] = port.ToString(CultureInfo.InvariantCulture);
            start.Environment["SCOUTER_DATA_DIR"] = dataDir;
            start.Environment["SCOUTER_DATABASE_URI"] = databaseUri;
            start.Environment["SCOUTER_JWT_SECRET"] = secret;
            start.Environment["SCOUTER_ADMIN_PASSWORD"] = AdminPassword;
            start.Environment["SCOUTER_JOB_POLL_INTERVAL"] = "0.5";
            start.Environment["SCOUTER_JOB_LEASE"] = Lease.TotalSeconds.ToString(CultureInfo.InvariantCulture);
            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var server = new ServerProcess(process, $"http://127.0.0.1:{port}", dataDir);
            using var probe = new HttpClient();
            for (var i = 0; i < 150; i++)
            {
                if (process.HasExited) break;
                try
                {
                    if ((await probe.GetAsync(server.Url + "/readyz", ct)).IsSuccessStatusCode) return server;
                }
                catch (HttpRequestException)
                {
                }
                await Task.Delay(200, ct);
            }
            await server.DisposeAsync();
            throw new InvalidOperationException($"replica on port {port} did not become ready");
        }

        /// <summary>Whether a job runner owner (<c>host:pid:suffix</c>) is this process's.</summary>
        public bool RunsAs(string owner) =>
            owner.Split(':') is [_, var pid, _] && pid == _process.Id.ToString(CultureInfo.InvariantCulture);

        public void Kill()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }

        public async ValueTask DisposeAsync()
        {
            Kill();
            await _process.WaitForExitAsync();
            _process.Dispose();
            try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
        }

        private static int FreePort()
        {
            using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}

/// <summary>Process-level timing test: runs alone, after the parallel tests, so CPU contention does not skew its clock.</summary>
[CollectionDefinition(nameof(ReplicaTests), DisableParallelization = true)]
public sealed class ReplicaTestsCollection;
