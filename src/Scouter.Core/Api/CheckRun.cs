using System.Text.Json;

namespace Scouter.Api;

/// <summary>A persisted drift check run (<c>GET /profiles/{uid}/checks</c>).</summary>
/// <param name="Id">Check run id.</param>
/// <param name="Uid">Profile uid.</param>
/// <param name="Slot">The cron slot (scheduled) or the run time (manual).</param>
/// <param name="WindowStart">Exclusive start of the record window (a first check looks back one schedule period or 24 h, whichever is longer); null only on checks stored by earlier versions, whose first window was unbounded.</param>
/// <param name="WindowEnd">Inclusive end of the record window.</param>
/// <param name="RanAt">When the check ran.</param>
/// <param name="Runner">The runner that ran it (replica owner id, or <c>api:&lt;user&gt;</c>).</param>
/// <param name="Trigger"><c>schedule</c> or <c>manual</c>.</param>
/// <param name="AlertCount">Alert findings of the check.</param>
/// <param name="Result">Per feature/metric inputs and decisions.</param>
public sealed record CheckRun(long Id, Guid Uid, DateTimeOffset Slot, DateTimeOffset? WindowStart, DateTimeOffset WindowEnd, DateTimeOffset RanAt, string Runner,
    string Trigger, int AlertCount, JsonElement? Result);
