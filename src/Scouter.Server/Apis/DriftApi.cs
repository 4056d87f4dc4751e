using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Scouter.Api;
using Scouter.Server.Auth;
using Scouter.Server.Evaluation;
using Scouter.Server.Ingestion;
using Scouter.Server.Storage;
using Scouter.Server.Storage.Rollups;

namespace Scouter.Server.Apis;

/// <summary><c>/drift/{psi,spc,custom,llm}</c>: time-bucketed drift series over <c>(from, to]</c>.</summary>
internal static class DriftApi
{
    /// <summary>Most buckets per query (31 days hourly fit).</summary>
    public const int MaxBuckets = 1000;

    /// <summary>Most SPC samples returned; a window with more gets per-bucket statistics instead.</summary>
    public const int MaxSpcSamples = 10_000;

    /// <summary>Maps the drift routes on <paramref name="api"/>.</summary>
    public static RouteGroupBuilder MapDriftApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/drift").RequireAuthorization().WithTags("Drift");
        group.MapGet("/psi", PsiAsync);
        group.MapGet("/spc", SpcAsync);
        group.MapGet("/custom", CustomAsync);
        group.MapGet("/llm", LlmAsync);
        return api;
    }

    /// <summary>
    /// <c>GET /drift/psi?uid=&amp;from=&amp;to=&amp;buckets=&amp;align=&amp;feature=</c>: PSI per feature over the window and per bucket,
    /// each bucket judged for its own N (threshold, status, alert).
    /// </summary>
    /// <param name="query">The window.</param>
    /// <param name="feature">Only this feature (400 <c>unknown_feature</c> when the profile has no such feature); its answer adds each bucket's observed distribution.</param>
    /// <param name="user">The caller.</param>
    /// <param name="profiles">Profile cache.</param>
    /// <param name="records">Record store.</param>
    /// <param name="time">Clock.</param>
    /// <param name="ct">Cancellation.</param>
    public static async Task<Results<Ok<PsiDriftResponse>, ProblemHttpResult>> PsiAsync(
        [AsParameters] DriftWindowQuery query, string? feature, ClaimsPrincipal user, ProfileCache profiles, IRecordStore records, TimeProvider time, CancellationToken ct)
    {
        var (q, problem) = await ParseAsync(query, user, profiles, time, DriftType.Psi, ct);
        if (problem is not null) return problem;
        var profile = (PsiDriftProfile)q!.Profile.Profile;
        var (only, unknown) = FeatureFilter(feature, profile.Features.Keys, q.Profile.Row.Uid);
        if (unknown is not null) return unknown;
        var counts = await records.PsiFeatureCountsAsync(q.Profile.Row.Uid, q.Window, ct);
        var features = new Dictionary<string, PsiFeatureSeries>(StringComparer.Ordinal);
        foreach (var (name, psiFeature) in profile.Features)
        {
            if (only is not null && name != only) continue;
            var buckets = counts.GetValueOrDefault(name) ?? new Dictionary<int, double>?[q.Window.Buckets];
            features[name] = PsiSeries(psiFeature, buckets, profile.Config.AlertConfig.Threshold, withBucketObserved: only is not null);
        }
        return TypedResults.Ok(new PsiDriftResponse(q.Profile.Row.Uid, q.Window.From, q.Window.To, BucketStarts(q.Window), features));
    }

    /// <summary>
    /// <c>GET /drift/spc?uid=&amp;from=&amp;to=&amp;buckets=&amp;align=&amp;feature=</c>: SPC samples per feature, or per-bucket
    /// statistics when the window holds more than <see cref="MaxSpcSamples"/> samples.
    /// </summary>
    /// <param name="query">The window.</param>
    /// <param name="feature">Only this feature (400 <c>unknown_feature</c> when the profile has no such feature); the sample cap then counts its samples alone.</param>
    /// <param name="user">The caller.</param>
    /// <param name="profiles">Profile cache.</param>
    /// <param name="records">Record store.</param>
    /// <param name="time">Clock.</param>
    /// <param name="ct">Cancellation.</param>
    public static async Task<Results<Ok<SpcDriftResponse>, ProblemHttpResult>> SpcAsync(
        [AsParameters] DriftWindowQuery query, string? feature, ClaimsPrincipal user, ProfileCache profiles, IRecordStore records, TimeProvider time, CancellationToken ct)
    {
        var (q, problem) = await ParseAsync(query, user, profiles, time, DriftType.Spc, ct);
        if (problem is not null) return problem;
        var profile = (SpcDriftProfile)q!.Profile.Profile;
        var (only, unknown) = FeatureFilter(feature, profile.Features.Keys, q.Profile.Row.Uid);
        if (unknown is not null) return unknown;
        var selected = profile.Features.Where(f => only is null || f.Key == only).ToList();
        var stats = (await records.SpcStatsAsync(q.Profile.Row.Uid, q.Window, ct)).Where(s => only is null || s.Feature == only).ToList();
        var features = new Dictionary<string, SpcFeatureSeries>(StringComparer.Ordinal);
        if (stats.Sum(s => s.Samples) > MaxSpcSamples)
        {
            // Too many samples to chart one by one: per-bucket statistics from the roll-ups (the checks still judge every sample).
            var statsByFeature = stats.ToLookup(s => s.Feature, StringComparer.Ordinal);
            foreach (var (name, limits) in selected)
            {
                var n = q.Window.Buckets;
                var (means, mins, maxes, counts, values) = (new double?[n], new double?[n], new double?[n], new long[n], new long[n]);
                foreach (var s in statsByFeature[name])
                {
                    if (!(s.Samples > 0)) continue;
                    means[s.Bucket] = Finite(s.Sum / s.Samples);
                    (mins[s.Bucket], maxes[s.Bucket], counts[s.Bucket], values[s.Bucket]) = (s.Min, s.Max, WindowSums.Saturate(s.Samples), WindowSums.Saturate(s.Values));
                }
                features[name] = new SpcFeatureSeries([], [], [], [], Limits(limits), [], new SpcBucketSeries(means, mins, maxes, counts, values));
            }
            return TypedResults.Ok(new SpcDriftResponse(q.Profile.Row.Uid, q.Window.From, q.Window.To, false, features, true, BucketStarts(q.Window)));
        }
        var samples = await records.SpcSamplesAsync(q.Profile.Row.Uid, q.Window.From, q.Window.To, MaxSpcSamples + 1, only, ct);
        var truncated = samples.Count > MaxSpcSamples;
        if (truncated) samples = [.. samples.Skip(1)];
        foreach (var (name, limits) in selected)
        {
            var own = samples.Where(s => s.Feature == name).ToList();
            var drift = DriftChecks.EvaluateSpc(profile, name, [.. own.Select(s => s.Mean)]);
            var times = own.Select(s => s.CreatedAt).ToList();
            features[name] = new SpcFeatureSeries(times, drift.Means, [.. own.Select(s => s.Count)], drift.Codes, Limits(limits),
                [.. drift.Alerts.Select(a => new SpcAlertView(a.Zone, a.Kind, times[a.StartIndex], times[a.EndIndex]))]);
        }
        return TypedResults.Ok(new SpcDriftResponse(q.Profile.Row.Uid, q.Window.From, q.Window.To, truncated, features));
    }

    /// <summary><c>GET /drift/custom?uid=&amp;from=&amp;to=&amp;buckets=</c>.</summary>
    public static async Task<Results<Ok<MetricDriftResponse>, ProblemHttpResult>> CustomAsync(
        [AsParameters] DriftWindowQuery query, ClaimsPrincipal user, ProfileCache profiles, IRecordStore records, TimeProvider time, CancellationToken ct)
    {
        var (q, problem) = await ParseAsync(query, user, profiles, time, DriftType.Custom, ct);
        if (problem is not null) return problem;
        var profile = (CustomDriftProfile)q!.Profile.Profile;
        var rows = await records.CustomValuesAsync(q.Profile.Row.Uid, q.Window, ct);
        return TypedResults.Ok(new MetricDriftResponse(q.Profile.Row.Uid, q.Window.From, q.Window.To, BucketStarts(q.Window), Metrics(profile.Metrics, rows, q.Window)));
    }

    /// <summary><c>GET /drift/llm?uid=&amp;from=&amp;to=&amp;buckets=</c>.</summary>
    internal static async Task<Results<Ok<MetricDriftResponse>, ProblemHttpResult>> LlmAsync(
        [AsParameters] DriftWindowQuery query, ClaimsPrincipal user, ProfileCache profiles, IRecordStore records, TimeProvider time, JudgeBreaker breaker, IJudge judge,
        CancellationToken ct)
    {
        var (q, problem) = await ParseAsync(query, user, profiles, time, DriftType.Llm, ct);
        if (problem is not null) return problem;
        var profile = (LlmDriftProfile)q!.Profile.Profile;
        // Statuses first: a record's scores are committed before it is marked done, so every record this
        // response counts as done has its scores in the read that follows (the other order could count a
        // record done whose scores the earlier read missed).
        var status = await records.LlmStatusCountsAsync(q.Profile.Row.Uid, q.Window, LlmStatusAxis.Created, ct);
        var rows = await records.LlmScoresAsync(q.Profile.Row.Uid, q.Window, ct);
        return TypedResults.Ok(new MetricDriftResponse(q.Profile.Row.Uid, q.Window.From, q.Window.To, BucketStarts(q.Window), Metrics([.. profile.Metrics, .. profile.Assertions], rows, q.Window), status,
            breaker.State(judge.IsConfigured)));
    }

    private sealed record DriftQuery(CachedProfile Profile, TimeWindow Window);

    /// <summary>Parses and checks <c>uid</c>, <c>from</c>, <c>to</c>, <c>buckets</c> (defaults: to = now, from = to - 24 h, buckets = 24).</summary>
    private static async Task<(DriftQuery? Query, ProblemHttpResult? Problem)> ParseAsync(
        DriftWindowQuery query, ClaimsPrincipal user, ProfileCache profiles, TimeProvider time, DriftType type, CancellationToken ct)
    {
        if (query.Uid is not { Length: > 0 } uidText) return (null, Problems.Validation("invalid_query", "uid", "uid is required."));
        if (!Guid.TryParse(uidText, CultureInfo.InvariantCulture, out var uid)) return (null, Problems.Validation("invalid_query", "uid", $"'{uidText}' is not a uuid."));
        if (QueryParsing.Time(query.To, "to", out var toValue) is { } badTo) return (null, badTo);
        var to = toValue ?? time.GetUtcNow();
        if (QueryParsing.Time(query.From, "from", out var fromValue) is { } badFrom) return (null, badFrom);
        var from = fromValue ?? to - TimeSpan.FromHours(24);
        if (from >= to) return (null, Problems.Validation("invalid_query", "from", "from must be before to."));
        var buckets = 24;
        if (query.Buckets is { Length: > 0 } bucketText
            && (!int.TryParse(bucketText, NumberStyles.None, CultureInfo.InvariantCulture, out buckets) || buckets < 1 || buckets > MaxBuckets))
        {
            return (null, Problems.Validation("invalid_query", "buckets", $"buckets must be an integer from 1 to {MaxBuckets}."));
        }
        if (QueryParsing.Bool(query.Align, "align", out var align) is { } badAlign) return (null, badAlign);
        if (align == true) (from, to, buckets) = Aligned(from, to, buckets);
        var profile = await profiles.GetAsync(uid, ct);
        if (profile is null) return (null, Problems.NotFound("profile_not_found", $"No profile with uid {uid}."));
        if (!user.Can(profile.Row.Space, SpaceRole.Read)) return (null, Problems.Forbidden(profile.Row.Space, "read"));
        if (profile.Row.DriftType != type)
        {
            return (null, Problems.Validation("type_mismatch", "uid",
                $"Profile {uid} is a {SqlProfileStore.TypeName(profile.Row.DriftType)} profile; this route serves {SqlProfileStore.TypeName(type)} profiles."));
        }
        TimeWindow window;
        try
        {
            window = new TimeWindow(from, to, buckets);
        }
        catch (ArgumentException)
        {
            return (null, Problems.Validation("invalid_query", "from", "from must be before to (at microsecond precision)."));
        }
        return (new DriftQuery(profile, window), null);
    }

    /// <summary>
    /// The <c>feature</c> query parameter: null when absent or empty (every feature), else the feature
    /// named, or a 400 <c>unknown_feature</c> when the profile has none by that name.
    /// </summary>
    private static (string? Feature, ProblemHttpResult? Problem) FeatureFilter(string? feature, IEnumerable<string> names, Guid uid)
    {
        if (string.IsNullOrEmpty(feature)) return (null, null);
        return names.Contains(feature, StringComparer.Ordinal)
            ? (feature, null)
            : (null, Problems.Validation("unknown_feature", "feature", $"Profile {uid} has no feature '{feature}'."));
    }

    /// <summary>
    /// One feature's PSI series: each bucket and the whole window are judged by the same
    /// <see cref="TryEvaluate"/>, so a bucket's threshold is the one its own N gives.
    /// </summary>
    private static PsiFeatureSeries PsiSeries(PsiFeatureProfile feature, Dictionary<int, double>?[] buckets, PsiThreshold threshold, bool withBucketObserved)
    {
        var count = buckets.Length;
        var total = new Dictionary<int, double>();
        var bucketPsi = new double?[count];
        var bucketCounts = new long[count];
        var bucketThresholds = new double?[count];
        var bucketStatus = new DriftStatus[count];
        var bucketAlerts = new bool[count];
        var bucketObserved = withBucketObserved ? new IReadOnlyDictionary<string, double>?[count] : null;
        for (var b = 0; b < count; b++)
        {
            bucketStatus[b] = DriftStatus.InsufficientData;
            if (buckets[b] is not { } sums) continue;
            foreach (var (bin, binCount) in sums) total[bin] = total.GetValueOrDefault(bin) + binCount;
            var fitted = WindowSums.Fit(sums);
            bucketCounts[b] = Math.Max(0, WindowSums.Total(fitted));
            if (bucketObserved is not null && bucketCounts[b] > 0) bucketObserved[b] = Proportions(fitted, bucketCounts[b]);
            if (TryEvaluate(feature, fitted, threshold) is not { } drift) continue;
            bucketPsi[b] = Finite(drift.Psi);
            bucketStatus[b] = drift.Status;
            bucketAlerts[b] = drift.Alert;
            if (drift.Status == DriftStatus.Ok) bucketThresholds[b] = Finite(drift.Threshold);
        }
        var fittedTotal = WindowSums.Fit(total);
        var n = Math.Max(0, WindowSums.Total(fittedTotal));
        var overall = n > 0 ? TryEvaluate(feature, fittedTotal, threshold) : null;
        return new PsiFeatureSeries(bucketPsi, bucketCounts, overall is null ? null : Finite(overall.Psi), n,
            overall is null ? null : Finite(overall.Threshold), overall?.Alert ?? false, overall?.Status ?? DriftStatus.InsufficientData,
            n > 0 ? Proportions(fittedTotal, n) : new Dictionary<string, double>(StringComparer.Ordinal), Baseline(feature),
            bucketThresholds, bucketStatus, bucketAlerts, bucketObserved);
    }

    /// <summary>Bin id → share of <paramref name="n"/>, in bin id order.</summary>
    private static Dictionary<string, double> Proportions(Dictionary<int, long> counts, long n) =>
        counts.OrderBy(kv => kv.Key).ToDictionary(kv => Key(kv.Key), kv => (double)kv.Value / n, StringComparer.Ordinal);

    /// <summary>
    /// The window aligned to the roll-up hours: the end rounded up to an hour, the bucket width
    /// rounded up to whole hours, the start moved back to make a whole number of buckets (never more
    /// than asked for), so every bucket is read from roll-ups.
    /// </summary>
    private static (DateTimeOffset From, DateTimeOffset To, int Buckets) Aligned(DateTimeOffset from, DateTimeOffset to, int buckets)
    {
        const long Hour = RollupGrain.Micros;
        var end = RollupGrain.CeilToHour(DbTime.ToMicros(to));
        var start = RollupGrain.FloorToHour(DbTime.ToMicros(from));
        var width = RollupGrain.CeilDiv(end - start, (long)buckets * Hour) * Hour;
        var count = (int)RollupGrain.CeilDiv(end - start, width);
        return (DbTime.FromMicros(end - (count * width)), DbTime.FromMicros(end), count);
    }

    /// <summary>
    /// The PSI of summed counts, or null when they cannot be evaluated: a bin id the feature lacks or a
    /// negative count (only rows written outside ingestion can hold either).
    /// </summary>
    private static PsiFeatureDrift? TryEvaluate(PsiFeatureProfile feature, Dictionary<int, long> counts, PsiThreshold threshold)
    {
        try
        {
            return DriftChecks.EvaluatePsi(feature, counts, threshold);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static Dictionary<string, MetricSeries> Metrics(IEnumerable<BaselineMetric> metrics, IReadOnlyList<MetricBucket> rows, TimeWindow window)
    {
        var result = new Dictionary<string, MetricSeries>(StringComparer.Ordinal);
        var rowsByMetric = rows.ToLookup(r => r.Metric, StringComparer.Ordinal);
        foreach (var metric in metrics)
        {
            // Counts are doubles (WindowSums): no stored data overflows them; they are reported saturated at 2^53.
            var sums = new double[window.Buckets];
            var counts = new double[window.Buckets];
            foreach (var row in rowsByMetric[metric.Name])
            {
                sums[row.Bucket] += row.Sum;
                counts[row.Bucket] += row.Count;
            }
            var means = new double?[window.Buckets];
            for (var b = 0; b < means.Length; b++) means[b] = counts[b] > 0 ? Finite(sums[b] / counts[b]) : null;
            var count = counts.Sum();
            double? mean = count > 0 ? Finite(sums.Sum() / count) : null;
            result[metric.Name] = new MetricSeries(means, [.. counts.Select(c => Math.Max(0, WindowSums.Saturate(c)))], mean, Math.Max(0, WindowSums.Saturate(count)),
                metric.Baseline, metric.Condition, metric.Delta, mean is { } m && metric.IsAlert(m));
        }
        return result;
    }

    private static Dictionary<string, double> Baseline(PsiFeatureProfile feature)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal) { [Key(PsiFeatureProfile.MissingBin)] = feature.MissingProportion };
        if (feature.Kind == FeatureKind.Categorical) result[Key(PsiFeatureProfile.UnseenBin)] = 0;
        for (var i = 0; i < feature.Proportions.Count; i++) result[Key(i + 1)] = feature.Proportions[i];
        return result;
    }

    private static SpcLimits Limits(SpcFeatureProfile limits) =>
        new(limits.Center, limits.Sigma, limits.OneLcl, limits.OneUcl, limits.TwoLcl, limits.TwoUcl, limits.ThreeLcl, limits.ThreeUcl);

    private static DateTimeOffset[] BucketStarts(TimeWindow window) => [.. Enumerable.Range(0, window.Buckets).Select(window.BucketStart)];

    private static string Key(int bin) => bin.ToString(CultureInfo.InvariantCulture);

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
