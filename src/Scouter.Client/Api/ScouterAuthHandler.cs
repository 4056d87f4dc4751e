using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Scouter.Client;

/// <summary>
/// Authenticates every request: an API key goes in <c>X-Scouter-Api-Key</c>; with a user name and
/// password the handler logs in on first use, sends the bearer token, refreshes it shortly before it
/// expires or after a 401 (retrying the request once), and logs in again when the refresh is refused.
/// Token state is guarded by one semaphore so concurrent requests trigger one login/refresh.
/// Secrets are never logged or put in exception messages.
/// </summary>
internal sealed class ScouterAuthHandler : DelegatingHandler
{
    /// <summary>Refresh this long before the server's expiry, so a token never expires in flight.</summary>
    internal static readonly TimeSpan RefreshSkew = TimeSpan.FromSeconds(60);

    private readonly ResolvedClientSettings settings;
    private readonly SemaphoreSlim gate = new(1, 1);
    private string? accessToken;
    private string? refreshToken;
    private DateTimeOffset expiresAt;

    public ScouterAuthHandler(ResolvedClientSettings settings, HttpMessageHandler inner)
        : base(inner)
    {
        this.settings = settings;
    }

    /// <summary>Logins performed (tests).</summary>
    internal int Logins { get; private set; }

    /// <summary>Successful refreshes (tests).</summary>
    internal int Refreshes { get; private set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (settings.ApiKey is { } key)
        {
            request.Headers.Remove("X-Scouter-Api-Key");
            request.Headers.TryAddWithoutValidation("X-Scouter-Api-Key", key);
            return await base.SendAsync(request, cancellationToken);
        }
        if (settings.Username is null) return await base.SendAsync(request, cancellationToken);

        var token = await GetTokenAsync(stale: null, cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized) return response;

        // The server refused the token (expired early, clock skew, key rotation): renew once and retry.
        response.Dispose();
        token = await GetTokenAsync(stale: token, cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await base.SendAsync(request, cancellationToken);
    }

    /// <summary>A usable access token; <paramref name="stale"/> is one the server just refused.</summary>
    private async Task<string> GetTokenAsync(string? stale, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            if (accessToken is { } current && current != stale && settings.Time.GetUtcNow() < expiresAt - RefreshSkew) return current;
            if (refreshToken is { } refresh)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(settings.ApiBase, "auth/refresh"))
                {
                    Content = JsonContent.Create(new RefreshBody(refresh), ClientJsonContext.Default.RefreshBody),
                };
                using var response = await base.SendAsync(request, ct);
                if (response.IsSuccessStatusCode)
                {
                    Refreshes++;
                    return await StoreAsync(response, ct);
                }
                // Expired, revoked or reused: fall through to a fresh login.
                refreshToken = null;
            }
            using (var login = new HttpRequestMessage(HttpMethod.Post, new Uri(settings.ApiBase, "auth/token"))
            {
                Content = JsonContent.Create(new LoginBody(settings.Username!, settings.Password!), ClientJsonContext.Default.LoginBody),
            })
            {
                using var response = await base.SendAsync(login, ct);
                if (!response.IsSuccessStatusCode) throw await ScouterApiException.FromResponseAsync(response, settings.Time, ct);
                Logins++;
                return await StoreAsync(response, ct);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<string> StoreAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await response.Content.ReadFromJsonAsync(ClientJsonContext.Default.TokenBody, ct)
            ?? throw new ScouterApiException((int)response.StatusCode, "invalid_response", "The token endpoint returned an empty body.");
        accessToken = body.AccessToken;
        refreshToken = body.RefreshToken;
        expiresAt = settings.Time.GetUtcNow() + TimeSpan.FromSeconds(body.ExpiresIn);
        return body.AccessToken;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) gate.Dispose();
        base.Dispose(disposing);
    }
}
