using System.CommandLine;
using Scouter.Cli.Connection;

namespace Scouter.Cli.Commands;

/// <summary><c>scouter drift show</c>: a registered profile's drift over a window, as the server computes it.</summary>
internal static class DriftShowCommand
{
    public static Command Create(CliContext context)
    {
        var uid = CommonOptions.Uid();
        var from = new Option<DateTimeOffset?>("--from") { Description = "Window start, exclusive (ISO 8601, e.g. 2026-01-01T00:00:00Z; default: 24 h before --to)." };
        var to = new Option<DateTimeOffset?>("--to") { Description = "Window end, inclusive (ISO 8601; default: now)." };
        var buckets = new Option<int?>("--buckets") { Description = "PSI, custom, LLM: buckets in the window (server default 24)." };
        var json = CommonOptions.Json();
        var command = new Command("show", "Show a registered profile's drift from the server: a table and charts, or --json.") { uid, from, to, buckets, json };
        command.SetAction(async (parse, ct) =>
        {
            var (start, end, count) = (parse.GetValue(from), parse.GetValue(to), parse.GetValue(buckets));
            if (start is { } s && end is { } e && s >= e)
                throw new ScouterConfigException("--from", s.ToString("O", System.Globalization.CultureInfo.InvariantCulture), "must be before --to");
            if (count is < 1) throw new ScouterConfigException("--buckets", count, "must be at least 1");
            var id = parse.GetValue(uid);
            using var client = CliCredentials.Connect(context);
            var profile = await client.GetProfileAsync(id, ct);
            var type = EnumNames.Of(profile.DriftType);
            var asJson = parse.GetValue(json);
            if (!asJson)
            {
                var c = profile.Config;
                await context.Out.WriteLineAsync($"{type.ToUpperInvariant()} drift of {c.Space}/{c.Name}/{c.Version} ({c.Uid})");
            }
            switch (profile.DriftType)
            {
                case DriftType.Psi:
                    var psi = await client.GetPsiDriftAsync(id, start, end, count, ct);
                    if (asJson) await CliJson.WriteAsync(context, psi, CliJsonContext.Default.PsiDriftResponse, ("drift_type", type));
                    else DriftChartView.Psi(context.OutConsole, psi);
                    break;
                case DriftType.Spc:
                    var spc = await client.GetSpcDriftAsync(id, start, end, ct);
                    if (asJson) await CliJson.WriteAsync(context, spc, CliJsonContext.Default.SpcDriftResponse, ("drift_type", type));
                    else DriftChartView.Spc(context.OutConsole, spc);
                    break;
                default:
                    var metrics = profile.DriftType == DriftType.Custom
                        ? await client.GetCustomDriftAsync(id, start, end, count, ct)
                        : await client.GetLlmDriftAsync(id, start, end, count, ct);
                    if (asJson) await CliJson.WriteAsync(context, metrics, CliJsonContext.Default.MetricDriftResponse, ("drift_type", type));
                    else DriftChartView.Metrics(context.OutConsole, metrics);
                    break;
            }
            return CliApp.Success;
        });
        return command;
    }
}
