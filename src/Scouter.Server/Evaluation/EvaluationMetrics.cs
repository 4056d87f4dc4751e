using System.Diagnostics.Metrics;
using Scouter.Server.Telemetry;

namespace Scouter.Server.Evaluation;

/// <summary>
/// Instruments of LLM evaluation on the server's meter (so <c>/metrics</c> shows them): judge calls by
/// outcome, tokens, judge latency, pending depth and age, and whether judging is paused.
/// </summary>
internal sealed class EvaluationMetrics : IDisposable
{
    private readonly Meter _meter = new(ServerMetrics.MeterName);
    private long _pending;
    private double _oldestPendingAgeSeconds;

    public EvaluationMetrics(JudgeBreaker breaker)
    {
        JudgeCalls = _meter.CreateCounter<long>("scouter.llm.judge_calls", description: "Judge calls, tagged with outcome: ok, invalid_answer, transient, configuration");
        Tokens = _meter.CreateCounter<long>("scouter.llm.tokens", description: "Tokens the judge reported, tagged with direction: input or output");
        Latency = _meter.CreateHistogram<double>("scouter.llm.judge_latency", unit: "s", description: "Judge call duration");
        _meter.CreateObservableGauge("scouter.llm.pending", () => Interlocked.Read(ref _pending), description: "LLM records waiting for evaluation");
        _meter.CreateObservableGauge("scouter.llm.oldest_pending_age", () => Volatile.Read(ref _oldestPendingAgeSeconds), unit: "s",
            description: "Age of the oldest pending LLM record (by its record time)");
        _meter.CreateObservableGauge("scouter.llm.judging_paused", () => breaker.IsPaused ? 1 : 0, description: "1 while judging is paused after an authentication or configuration failure");
    }

    public Counter<long> JudgeCalls { get; }

    public Counter<long> Tokens { get; }

    public Histogram<double> Latency { get; }

    /// <summary>Sets the pending gauges from the worker's latest look at the table.</summary>
    public void SetPending(long count, TimeSpan oldestAge)
    {
        Interlocked.Exchange(ref _pending, count);
        Volatile.Write(ref _oldestPendingAgeSeconds, Math.Max(0, oldestAge.TotalSeconds));
    }

    public void Dispose() => _meter.Dispose();
}
