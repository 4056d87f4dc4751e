using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Apis;

/// <summary>
/// Client mistakes in a request body (malformed JSON, a body over the size limit, a content type other
/// than JSON) get the same coded problem details on every route that takes a body, and are logged at
/// most at Debug: an anonymous caller must not be able to fill the log with stack traces.
/// </summary>
public sealed class ClientErrorTests : IAsyncLifetime
{
    private const long BodyLimit = 2048;
    private readonly TestLoggerProvider _logs = new();
    private TestServer _server = null!;

    public static TheoryData<string, string> BodyRoutes => new()
    {
        { "POST", "/api/v1/auth/token" },
        { "POST", "/api/v1/auth/refresh" },
        { "POST", "/api/v1/users" },
        { "PUT", "/api/v1/users/admin" },
        { "POST", "/api/v1/api-keys" },
        { "POST", "/api/v1/records" },
        { "POST", "/api/v1/profiles" },
    };

    public async ValueTask InitializeAsync() =>
        _server = await TestServer.StartAsync(configure: o => o.MaxRequestBodyBytes = BodyLimit,
            services: s => s.AddSingleton<ILoggerProvider>(_logs));

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [MemberData(nameof(BodyRoutes))]
    public async Task Malformed_json_is_a_coded_400_logged_at_most_at_debug(string method, string path)
    {
        var json = await SendQuietlyAsync(method, path, "{\"name\": ", "application/json", HttpStatusCode.BadRequest);
        Assert.Equal("invalid_json", json.GetProperty("code").GetString());
    }

    [Theory]
    [MemberData(nameof(BodyRoutes))]
    public async Task Oversized_body_is_a_413_payload_too_large_logged_at_most_at_debug(string method, string path)
    {
        var body = "{\"name\": \"" + new string('x', (int)BodyLimit * 2) + "\"}";
        var json = await SendQuietlyAsync(method, path, body, "application/json", HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("payload_too_large", json.GetProperty("code").GetString());
    }

    [Theory]
    [MemberData(nameof(BodyRoutes))]
    public async Task Wrong_content_type_is_a_415_unsupported_media_type_logged_at_most_at_debug(string method, string path)
    {
        var json = await SendQuietlyAsync(method, path, "{}", "text/plain", HttpStatusCode.UnsupportedMediaType);
        Assert.Equal("unsupported_media_type", json.GetProperty("code").GetString());
    }

    /// <summary>
    /// Sends the request as the global admin, asserts the status and the problem shape shared by every
    /// API error (problem+json, status, a type naming the code), and that nothing the request caused
    /// was logged above Debug.
    /// </summary>
    private async Task<JsonElement> SendQuietlyAsync(string method, string path, string body, string contentType, HttpStatusCode status)
    {
        var before = _logs.Entries.Count;
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType) { CharSet = "utf-8" };
        using var response = await _server.Admin.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal((int)status, json.GetProperty("status").GetInt32());
        var code = json.GetProperty("code").GetString();
        Assert.Equal("https://scouter.dev/problems/" + code, json.GetProperty("type").GetString());

        var loud = _logs.Entries.Skip(before).Where(e => e.Level > LogLevel.Debug).ToList();
        Assert.True(loud.Count == 0, "logged above Debug: " + string.Join(" | ", loud.Select(e => $"{e.Level} {e.Category}: {e.Message}")));
        return json;
    }
}
