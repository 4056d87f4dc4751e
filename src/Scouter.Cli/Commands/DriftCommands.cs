using System.CommandLine;
using Scouter.Data;

namespace Scouter.Cli.Commands;

/// <summary><c>scouter drift compute</c>: drift of a data file against a profile, locally; <c>drift show</c> (<see cref="DriftShowCommand"/>) asks the server.</summary>
internal static class DriftCommands
{
    public static Command Create(CliContext context)
    {
        var drift = new Command("drift", "Compute drift locally, or show a registered profile's drift from the server.");
        var profilePath = new Option<string>("--profile", "-p") { Description = "A PSI or SPC profile JSON file.", Required = true };
        var input = new Option<string>("--input", "-i") { Description = "Observed data: a .csv or .parquet file.", Required = true };
        var json = CommonOptions.Json();
        var falseAlarmRate = new Option<double>("--false-alarm-rate")
        {
            Description = "SPC: the alert decision's false-alarm probability per feature, above 0 and below 1 (default 0.01).",
            DefaultValueFactory = _ => Drift.SpcAlertCalibration.DefaultFalseAlarmRate,
        };
        var compute = new Command("compute", "Compute PSI or SPC drift of a data file against a profile.") { profilePath, input, json, falseAlarmRate };
        compute.SetAction(async (parse, ct) =>
        {
            var inputPath = parse.GetRequiredValue(input);
            var alpha = parse.GetValue(falseAlarmRate);
            if (!(alpha > 0 && alpha < 1))
                throw new ScouterConfigException("--false-alarm-rate", alpha.ToString("R", System.Globalization.CultureInfo.InvariantCulture), "must be above 0 and below 1");
            var profile = DriftProfile.Load(parse.GetRequiredValue(profilePath));
            var readOptions = profile switch
            {
                PsiDriftProfile psi => new TableReadOptions
                {
                    Columns = [.. psi.Features.Keys],
                    CategoricalColumns = [.. psi.Features.Where(f => f.Value.Kind == FeatureKind.Categorical).Select(f => f.Key)],
                },
                SpcDriftProfile spc => new TableReadOptions { Columns = [.. spc.Features.Keys] },
                _ => throw new ScouterConfigException("profile", EnumNames.Of(profile.DriftType), "local drift is computed for psi and spc profiles; custom and llm drift is computed by the server"),
            };

            var report = await new ProgressDisplay(context).RunAsync<object>(async (readProgress, featureProgress) =>
            {
                var table = await TableInput.ReadAsync(inputPath, readOptions with { Progress = readProgress }, ct);
                return TableInput.Attribute<object>(inputPath, () => profile switch
                {
                    PsiDriftProfile psi => Drifter.ComputeDrift(psi, table, featureProgress, ct),
                    SpcDriftProfile spc => Drifter.ComputeDrift(spc, table, alpha, featureProgress, ct),
                    _ => throw new InvalidOperationException("unreachable"),
                });
            });

            if (parse.GetValue(json))
            {
                await context.Out.WriteLineAsync(DriftJson.Write(report));
            }
            else
            {
                DriftView.Render(context.OutConsole, report);
            }
            return CliApp.Success;
        });
        drift.Subcommands.Add(compute);
        drift.Subcommands.Add(DriftShowCommand.Create(context));
        return drift;
    }
}
