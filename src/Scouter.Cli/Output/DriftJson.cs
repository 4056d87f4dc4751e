using System.Text;
using System.Text.Json;

namespace Scouter.Cli;

/// <summary>
/// The <c>drift compute --json</c> document. Written by hand with <see cref="Utf8JsonWriter"/> so
/// the shape is exactly the CLI contract, independent of the report types' own serialization.
/// </summary>
internal static class DriftJson
{
    public static string Write(object report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            switch (report)
            {
                case PsiDriftReport psi:
                    json.WriteString("drift_type", "psi");
                    json.WriteStartObject("features");
                    foreach (var (name, f) in psi.Features)
                    {
                        json.WriteStartObject(name);
                        json.WriteNumber("psi", f.Psi);
                        json.WriteNumber("threshold", f.Threshold);
                        json.WriteBoolean("alert", f.Alert);
                        if (f.Severity is { } severity) json.WriteString("severity", EnumNames.Of(severity));
                        else json.WriteNull("severity");
                        json.WriteNumber("n", f.N);
                        json.WriteString("status", EnumNames.Of(f.Status));
                        json.WriteEndObject();
                    }
                    json.WriteEndObject();
                    break;
                case SpcDriftReport spc:
                    json.WriteString("drift_type", "spc");
                    json.WriteStartObject("features");
                    foreach (var (name, f) in spc.Features)
                    {
                        json.WriteStartObject(name);
                        json.WriteStartArray("means");
                        foreach (var m in f.Means) json.WriteNumberValue(m);
                        json.WriteEndArray();
                        json.WriteStartArray("codes");
                        foreach (var c in f.Codes) json.WriteNumberValue(c);
                        json.WriteEndArray();
                        json.WriteStartArray("alerts");
                        foreach (var a in f.Alerts)
                        {
                            json.WriteStartObject();
                            if (a.Zone is { } zone) json.WriteNumber("zone", zone);
                            else json.WriteNull("zone");
                            json.WriteString("kind", EnumNames.Of(a.Kind));
                            json.WriteEndObject();
                        }
                        json.WriteEndArray();
                        // The alert decision: rules with run lengths calibrated to the sample count (docs/spc-alerts.md).
                        json.WriteBoolean("alert", f.Alert);
                        if (f.Calibration is { } calibration)
                        {
                            json.WriteStartObject("calibration");
                            json.WriteNumber("false_alarm_rate", calibration.FalseAlarmRate);
                            json.WriteNumber("samples", calibration.Samples);
                            json.WriteString("rule", calibration.Rule.ToString());
                            json.WriteNumber("trend_length", calibration.TrendLength);
                            json.WriteNumber("bound", calibration.Bound);
                            json.WriteEndObject();
                        }
                        json.WriteEndObject();
                    }
                    json.WriteEndObject();
                    break;
                default:
                    throw new ArgumentException($"unsupported report {report.GetType().Name}", nameof(report));
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
