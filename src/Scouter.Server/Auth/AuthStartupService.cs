using Scouter.Server.Storage;

namespace Scouter.Server.Auth;

/// <summary>
/// At start-up, after the migrations (hosted services start in registration order, before the
/// listener): loads the JWT signing key, and on an empty <c>users</c> table creates <c>admin</c>.
/// The insert only succeeds into an empty table, serialized by the users lock, so when replicas start
/// together exactly one creates the user and logs a generated password.
/// </summary>
internal sealed class AuthStartupService(ServerOptions options, SigningKeyProvider keys, UserStore users, TimeProvider time, ILogger<AuthStartupService> logger) : IHostedService
{
    public const string BootstrapUser = "admin";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await keys.LoadAsync(cancellationToken);
        AuthLog.SigningKeyLoaded(logger, keys.Source);

        if (await users.AnyUsersAsync(cancellationToken)) return;
        var generated = string.IsNullOrEmpty(options.AdminPassword);
        var password = generated ? Secrets.RandomPassword() : options.AdminPassword!;
        var now = time.GetUtcNow();
        var admin = new UserRecord(BootstrapUser, TokenService.HashPassword(password), GlobalRole.Admin, new Dictionary<string, SpaceRole>(), false, now, now, Secrets.RandomToken(16));
        if (!await users.InsertUserAsync(admin, onlyIfNoUsers: true, cancellationToken)) return;
        if (generated) AuthLog.AdminCreatedWithGeneratedPassword(logger, password);
        else AuthLog.AdminCreatedWithConfiguredPassword(logger);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
