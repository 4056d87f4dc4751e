using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Scouter.Data;
using Scouter.Records;

namespace Scouter.Load;

/// <summary>Registers a PSI profile and mints an API key, then builds realistic batches for it.</summary>
internal sealed class Setup
{
    private readonly Guid _uid;
    private readonly string[] _features;
    private readonly int _bins;
    private readonly int _recordsPerBatch;

    private Setup(Guid uid, string[] features, int bins, string apiKey, int recordsPerBatch)
    {
        _uid = uid;
        _features = features;
        _bins = bins;
        ApiKey = apiKey;
        _recordsPerBatch = recordsPerBatch;
    }

    public string ApiKey { get; }

    public static async Task<Setup> RunAsync(HttpClient http, LoadSettings settings)
    {
        var login = await Expect(await http.PostAsJsonAsync("/api/v1/auth/token", new { username = "admin", password = settings.Password }));
        http.DefaultRequestHeaders.Authorization = new("Bearer", (string)login["access_token"]!);

        var random = new Random(1);
        var builder = new ColumnTable.Builder();
        for (var f = 0; f < settings.Features; f++) builder.AddNumeric($"f{f}", [.. Enumerable.Range(0, 5000).Select(_ => random.NextDouble())]);
        var profile = Drifter.CreatePsiProfile(builder.Build(), new PsiDriftConfig { Space = "load", Name = "load", Version = "1.0.0" });
        var body = new JsonObject
        {
            ["profile"] = JsonNode.Parse(profile.ToJson()),
            ["set_active"] = true,
            ["bump"] = true,
        };
        var registered = await Expect(await http.PostAsync("/api/v1/profiles", new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json")));
        var key = await Expect(await http.PostAsJsonAsync("/api/v1/api-keys", new { name = "load", spaces = new Dictionary<string, string> { ["load"] = "write" } }));
        http.DefaultRequestHeaders.Authorization = null;
        return new Setup(Guid.Parse((string)registered["uid"]!), [.. profile.Features.Keys], profile.Features.Values.First().BinCount, (string)key["key"]!, settings.RecordsPerBatch);
    }

    public RecordBatch NextBatch(Random random)
    {
        var now = TimeProvider.System.GetUtcNow();
        var records = new DriftRecord[_recordsPerBatch];
        for (var i = 0; i < records.Length; i++)
        {
            var counts = new Dictionary<int, long>(_bins + 1) { [0] = random.Next(0, 3) };
            for (var b = 1; b <= _bins; b++) counts[b] = random.Next(80, 120);
            records[i] = new PsiRecord { Uid = _uid, CreatedAt = now, Feature = _features[i % _features.Length], BinCounts = counts };
        }
        return new RecordBatch { BatchId = Guid.CreateVersion7(), SentAt = now, Records = records };
    }

    private static async Task<JsonNode> Expect(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }
}
