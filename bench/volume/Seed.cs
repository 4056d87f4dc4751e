using Scouter.Records;

namespace Scouter.VolumeBench;

/// <summary>
/// The records of one run, serialized before the clock starts: for each replica, hour and PSI
/// feature one PSI record, and for each replica, hour and metric one custom record, each at its
/// replica's time in that hour (the half hour plus a few seconds per replica). A replica's records
/// travel in its own batches of up to <see cref="RecordLimits.MaxRecordsPerBatch"/> records.
/// </summary>
internal sealed class Seed
{
    public List<SeedBatch> Batches { get; } = [];

    public long PsiRecords { get; private set; }

    public long CustomRecords { get; private set; }

    public long Records => PsiRecords + CustomRecords;

    public long Bytes { get; private set; }

    /// <summary>The sum of feature f0's bin counts, which GET /drift/psi must report as its n.</summary>
    public long F0Count { get; private set; }

    /// <summary>The sum of metric m0's counts, which GET /drift/custom must report.</summary>
    public long M0Count { get; private set; }

    /// <summary>The records of <paramref name="days"/> days from <paramref name="from"/> (no custom records when <paramref name="metrics"/> is 0).</summary>
    public static Seed Build(int days, int metrics, int replicas, PsiDriftProfile psi, Guid customUid, DateTimeOffset from)
    {
        var seed = new Seed();
        var features = psi.Features.Select(f => (Name: f.Key, Bins: f.Value.BinCount)).ToArray();
        var hours = days * 24;
        for (var replica = 0; replica < replicas; replica++)
        {
            var random = new Random(1_000 + replica);
            var psiRecords = new List<DriftRecord>(hours * features.Length);
            var customRecords = new List<DriftRecord>(hours * metrics);
            for (var hour = 0; hour < hours; hour++)
            {
                var at = from.AddHours(hour).AddMinutes(30).AddSeconds(7 * replica);
                foreach (var (name, bins) in features)
                {
                    var counts = new Dictionary<int, long>(bins + 1) { [0] = random.Next(0, 3) };
                    for (var b = 1; b <= bins; b++) counts[b] = random.Next(80, 120);
                    if (name == "f0") seed.F0Count += counts.Values.Sum();
                    psiRecords.Add(new PsiRecord { Uid = psi.Config.Uid, CreatedAt = at, Feature = name, BinCounts = counts });
                }
                for (var m = 0; m < metrics; m++)
                {
                    var count = random.Next(50, 150);
                    if (m == 0) seed.M0Count += count;
                    customRecords.Add(new CustomRecord { Uid = customUid, CreatedAt = at, Metric = $"m{m}", Sum = count * (0.9 + (0.2 * random.NextDouble())), Count = count });
                }
            }
            seed.PsiRecords += psiRecords.Count;
            seed.CustomRecords += customRecords.Count;
            seed.AddBatches(psiRecords);
            seed.AddBatches(customRecords);
        }
        return seed;
    }

    private void AddBatches(List<DriftRecord> records)
    {
        for (var first = 0; first < records.Count; first += RecordLimits.MaxRecordsPerBatch)
            Add(records.GetRange(first, Math.Min(RecordLimits.MaxRecordsPerBatch, records.Count - first)));
    }

    /// <summary>Adds one batch, halved until it fits <see cref="RecordLimits.MaxBatchBytes"/> as the queue would.</summary>
    private void Add(List<DriftRecord> records)
    {
        var body = new RecordBatch { BatchId = Guid.CreateVersion7(), SentAt = TimeProvider.System.GetUtcNow(), Records = records }.ToUtf8Json();
        if (body.Length > RecordLimits.MaxBatchBytes && records.Count > 1)
        {
            var half = records.Count / 2;
            Add(records.GetRange(0, half));
            Add(records.GetRange(half, records.Count - half));
            return;
        }
        Batches.Add(new SeedBatch(body, records.Count));
        Bytes += body.Length;
    }
}

/// <summary>One serialized record batch and how many records it holds.</summary>
internal sealed record SeedBatch(byte[] Body, int Records);
