using System.Net.Http.Json;
using Scouter.Server.Apis;
using Scouter.Server.Auth;
using Xunit;

namespace Scouter.Server.Tests.Fixtures;

/// <summary>A browser-like client: cookies kept by hand so the test sees and controls every one.</summary>
internal sealed class TestBrowser(TestServer server) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(server.Url) };

    public Dictionary<string, string> Cookies { get; } = new(StringComparer.Ordinal);

    public List<string> LastSetCookies { get; } = [];

    public string Origin { get; set; } = server.Url;

    /// <summary>Headers sent with every request (e.g. what a proxy in front of the server adds).</summary>
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, bool csrf = true)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body, options: ApiJson.Options);
        if (Cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", Cookies.Select(c => $"{c.Key}={c.Value}")));
        if (csrf) request.Headers.Add(CsrfGuard.HeaderName, "1");
        if (method != HttpMethod.Get) request.Headers.Add("Origin", Origin);
        foreach (var (name, value) in Headers) request.Headers.Add(name, value);
        var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);
        LastSetCookies.Clear();
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var header in setCookies)
            {
                LastSetCookies.Add(header);
                var pair = header.Split(';')[0];
                var (name, value) = (pair[..pair.IndexOf('=')], pair[(pair.IndexOf('=') + 1)..]);
                if (value.Length == 0) Cookies.Remove(name);
                else Cookies[name] = value;
            }
        }
        return response;
    }

    public Task<HttpResponseMessage> LoginAsync(string user = "admin", string password = TestServer.AdminPassword, bool csrf = true) =>
        SendAsync(HttpMethod.Post, "/api/v1/auth/session", new TokenRequest { Username = user, Password = password }, csrf);

    public void Dispose() => _http.Dispose();
}
