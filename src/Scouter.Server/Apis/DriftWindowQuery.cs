using Microsoft.AspNetCore.Mvc;

namespace Scouter.Server.Apis;

/// <summary>
/// The query of every <c>/drift/*</c> route, bound as text so that the routes' own checks (and their
/// <c>invalid_query</c> problems) stay the only validation, while the OpenAPI document lists each parameter.
/// </summary>
internal sealed class DriftWindowQuery
{
    /// <summary>Profile uid (required).</summary>
    [FromQuery(Name = "uid")]
    public string? Uid { get; set; }

    /// <summary>Window start, RFC 3339, exclusive (default: <c>to</c> minus 24 hours).</summary>
    [FromQuery(Name = "from")]
    public string? From { get; set; }

    /// <summary>Window end, RFC 3339, inclusive (default: now).</summary>
    [FromQuery(Name = "to")]
    public string? To { get; set; }

    /// <summary>Number of equal buckets, 1 to <see cref="DriftApi.MaxBuckets"/> (default 24; SPC ignores it).</summary>
    [FromQuery(Name = "buckets")]
    public string? Buckets { get; set; }

    /// <summary>
    /// <c>true</c>: align the window to the hourly roll-ups — <c>to</c> rounded up to a whole hour,
    /// bucket width rounded up to whole hours, <c>from</c> moved back so the window is a whole number
    /// of buckets (at most <c>buckets</c>). The answer's <c>from</c>/<c>to</c> say which window was read.
    /// Default <c>false</c>: the exact window asked for.
    /// </summary>
    [FromQuery(Name = "align")]
    public string? Align { get; set; }
}
