using System.CommandLine;
using System.Text.Json.Nodes;
using Scouter.Api;
using Scouter.Cli.Connection;
using Scouter.Client;

namespace Scouter.Cli.Commands;

/// <summary><c>scouter profile register|list|activate|deactivate|download</c>: profiles on the server.</summary>
internal static class ServerProfileCommands
{
    public static IEnumerable<Command> Create(CliContext context) =>
        [Register(context), List(context), Status(context, active: true), Status(context, active: false), Download(context)];

    /// <summary>The registered profile with uid <paramref name="uid"/> (<c>profile show --uid</c>).</summary>
    public static async Task<DriftProfile> GetAsync(CliContext context, Guid uid, CancellationToken ct)
    {
        using var client = CliCredentials.Connect(context);
        return await client.GetProfileAsync(uid, ct);
    }

    private static Command Register(CliContext context)
    {
        var path = new Argument<string>("file") { Description = "A profile JSON file (scouter profile create)." };
        var activate = new Option<bool>("--activate") { Description = "Activate its scheduled checks and deactivate the other versions." };
        var json = CommonOptions.Json();
        var command = new Command("register", "Register a profile file with the server.") { path, activate, json };
        command.SetAction(async (parse, ct) =>
        {
            var profile = DriftProfile.Load(parse.GetRequiredValue(path));
            using var client = CliCredentials.Connect(context);
            var stored = await client.RegisterProfileAsync(profile, setActive: parse.GetValue(activate), cancellationToken: ct);
            var info = (await client.ListProfilesAsync(new ProfileFilter
            {
                Space = stored.Config.Space, Name = stored.Config.Name, Version = stored.Config.Version, DriftType = stored.DriftType,
            }, ct)).Single(p => p.Uid == stored.Config.Uid);
            if (parse.GetValue(json))
            {
                await CliJson.WriteAsync(context, info, CliJsonContext.Default.ProfileInfo);
            }
            else
            {
                await context.Out.WriteLineAsync(
                    $"Registered {EnumNames.Of(info.DriftType)} profile {info.Space}/{info.Name}/{info.Version}: uid {info.Uid} ({(info.Active ? "active" : "inactive")})");
            }
            return CliApp.Success;
        });
        return command;
    }

    private static Command List(CliContext context)
    {
        var space = new Option<string?>("--space") { Description = "Only this space." };
        var name = new Option<string?>("--name") { Description = "Only this model name." };
        var json = CommonOptions.Json();
        var command = new Command("list", "List the profiles on the server you may read.") { space, name, json };
        command.SetAction(async (parse, ct) =>
        {
            using var client = CliCredentials.Connect(context);
            var profiles = await client.ListProfilesAsync(new ProfileFilter { Space = parse.GetValue(space), Name = parse.GetValue(name) }, ct);
            if (parse.GetValue(json)) await CliJson.WriteAsync(context, new ProfileList(profiles), CliJsonContext.Default.ProfileList);
            else ServerTables.Profiles(context.OutConsole, profiles);
            return CliApp.Success;
        });
        return command;
    }

    private static Command Status(CliContext context, bool active)
    {
        var uid = CommonOptions.Uid();
        var json = CommonOptions.Json();
        var command = active
            ? new Command("activate", "Start a profile's scheduled checks (other versions of the model are deactivated).") { uid, json }
            : new Command("deactivate", "Stop a profile's scheduled checks.") { uid, json };
        command.SetAction(async (parse, ct) =>
        {
            using var client = CliCredentials.Connect(context);
            var info = await client.UpdateProfileStatusAsync(parse.GetValue(uid), active, deactivateOthers: active, ct);
            if (parse.GetValue(json)) await CliJson.WriteAsync(context, info, CliJsonContext.Default.ProfileInfo);
            else await context.Out.WriteLineAsync($"{info.Space}/{info.Name}/{info.Version} ({info.Uid}) is {(info.Active ? "active" : "inactive")}");
            return CliApp.Success;
        });
        return command;
    }

    private static Command Download(CliContext context)
    {
        var space = new Option<string>("--space") { Description = "Space.", Required = true };
        var name = new Option<string>("--name") { Description = "Model name.", Required = true };
        var version = new Option<string>("--version") { Description = "Version.", Required = true };
        var type = new Option<string>("--type") { Description = "Drift type: psi, spc, custom or llm.", Required = true };
        type.AcceptOnlyFromAmong("psi", "spc", "custom", "llm");
        var output = new Option<string>("--output", "-o") { Description = "Where to write the profile JSON.", Required = true };
        var json = CommonOptions.Json();
        var command = new Command("download", "Save a registered profile to a file.") { space, name, version, type, output, json };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetRequiredValue(output);
            using var client = CliCredentials.Connect(context);
            var profile = await client.DownloadProfileAsync(new GetProfileRequest
            {
                Space = parse.GetRequiredValue(space),
                Name = parse.GetRequiredValue(name),
                Version = parse.GetRequiredValue(version),
                DriftType = Enum.GetValues<DriftType>().Single(t => EnumNames.Of(t) == parse.GetRequiredValue(type)),
            }, path, ct);
            var c = profile.Config;
            if (parse.GetValue(json))
            {
                var saved = new JsonObject
                {
                    ["uid"] = c.Uid.ToString(), ["space"] = c.Space, ["name"] = c.Name, ["version"] = c.Version,
                    ["drift_type"] = EnumNames.Of(profile.DriftType), ["path"] = Path.GetFullPath(path),
                };
                await CliJson.WriteAsync(context, saved, CliJsonContext.Default.JsonObject);
            }
            else
            {
                await context.Out.WriteLineAsync($"Saved {EnumNames.Of(profile.DriftType)} profile {c.Space}/{c.Name}/{c.Version} ({c.Uid}): {path}");
            }
            return CliApp.Success;
        });
        return command;
    }
}
