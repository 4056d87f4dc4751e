using System.Diagnostics.Metrics;

namespace Scouter.Server.Telemetry;

/// <summary>The server's own instruments: ingestion rate, queue depth, job duration, alerts fired.</summary>
internal sealed class ServerMetrics : IDisposable
{
    /// <summary>Meter name.</summary>
    public const string MeterName = "Scouter.Server";

    private readonly Meter _meter = new(MeterName);

    /// <summary>Creates the instruments.</summary>
    public ServerMetrics()
    {
        BatchesIngested = _meter.CreateCounter<long>("scouter.ingest.batches", description: "Record batches stored");
        RecordsIngested = _meter.CreateCounter<long>("scouter.ingest.records", description: "Records stored");
        BatchesRejected = _meter.CreateCounter<long>("scouter.ingest.rejected", description: "Record batches rejected as a whole (shape, authorization, no valid record, overload)");
        RecordsRejected = _meter.CreateCounter<long>("scouter.ingest.records_rejected", description: "Records refused one by one, tagged with the problem code");
        DuplicateBatches = _meter.CreateCounter<long>("scouter.ingest.duplicates", description: "Record batches already stored (idempotent replays)");
        JobDuration = _meter.CreateHistogram<double>("scouter.jobs.duration", unit: "s", description: "Drift check duration");
        AlertsFired = _meter.CreateCounter<long>("scouter.alerts.fired", description: "Alerts that started firing");
    }

    /// <summary>Batches stored.</summary>
    public Counter<long> BatchesIngested { get; }

    /// <summary>Records stored.</summary>
    public Counter<long> RecordsIngested { get; }

    /// <summary>Batches rejected.</summary>
    public Counter<long> BatchesRejected { get; }

    /// <summary>Records refused (tag <c>code</c>: the problem code), in stored batches and in batches with no valid record.</summary>
    public Counter<long> RecordsRejected { get; }

    /// <summary>Duplicate batches acknowledged without storing.</summary>
    public Counter<long> DuplicateBatches { get; }

    /// <summary>Check durations.</summary>
    public Histogram<double> JobDuration { get; }

    /// <summary>Alerts fired.</summary>
    public Counter<long> AlertsFired { get; }

    /// <summary>Registers an observable gauge (e.g. the ingestion queue depth).</summary>
    public void ObserveGauge(string name, Func<long> read, string description) => _meter.CreateObservableGauge(name, read, description: description);

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
