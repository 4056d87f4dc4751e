namespace Scouter.Server.Auth;

/// <summary>Auth log messages (event ids 400–499).</summary>
internal static partial class AuthLog
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "JWT signing key loaded from {Source}")]
    public static partial void SigningKeyLoaded(ILogger logger, string source);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Created the bootstrap user 'admin' with the password from SCOUTER_ADMIN_PASSWORD")]
    public static partial void AdminCreatedWithConfiguredPassword(ILogger logger);

    /// <summary>The only place the generated password appears; logged once, by the replica that created the user.</summary>
    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "Created the bootstrap user 'admin' with the generated password {Password} (shown only now: log in and change it, or set SCOUTER_ADMIN_PASSWORD before the first start)")]
    public static partial void AdminCreatedWithGeneratedPassword(ILogger logger, string password);

    [LoggerMessage(EventId = 410, Level = LogLevel.Information, Message = "Failed login for {User} from {Address}")]
    public static partial void LoginFailed(ILogger logger, string user, string address);

    [LoggerMessage(EventId = 411, Level = LogLevel.Warning, Message = "Login for {User} from {Address} refused: too many recent failures")]
    public static partial void LoginThrottled(ILogger logger, string user, string address);

    [LoggerMessage(EventId = 412, Level = LogLevel.Warning, Message = "A refresh token was used twice; its token family has been revoked")]
    public static partial void RefreshReused(ILogger logger);
}
