using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Scouter.Server.Apis;
using Scouter.Server.Auth;
using Xunit;

namespace Scouter.Server.Tests.Auth;

/// <summary>Shared bits of the auth tests: a protected probe endpoint and problem assertions.</summary>
internal static class AuthTestKit
{
    public const string Probe = "/test/whoami";

    /// <summary>Maps <see cref="Probe"/>: requires authentication (default policy), answers with the caller's claims.</summary>
    public static void MapProbe(WebApplication app) =>
        app.MapGet(Probe, (HttpContext context) => Results.Ok(new
        {
            sub = context.User.FindFirst("sub")?.Value,
            kind = context.User.FindFirst(SpaceAccess.KindClaim)?.Value,
            admin = context.User.IsGlobalAdmin(),
            spaces = context.User.FindAll(SpaceAccess.SpaceClaim).Select(c => c.Value).Order(StringComparer.Ordinal).ToArray(),
        })).RequireAuthorization();

    public sealed record WhoAmI(string? Sub, string? Kind, bool Admin, string[] Spaces);

    public static async Task<WhoAmI> WhoAmIAsync(HttpClient client)
    {
        using var response = await client.GetAsync(Probe);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<WhoAmI>(ApiJson.Options))!;
    }

    /// <summary>Asserts an RFC 7807 answer with <paramref name="status"/> and <paramref name="code"/>; returns the body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal(code, json.GetProperty("code").GetString());
        Assert.Equal((int)status, json.GetProperty("status").GetInt32());
        return json;
    }

    public static Task<HttpResponseMessage> PostJsonAsync<T>(this HttpClient client, string url, T body) => client.PostAsJsonAsync(url, body, ApiJson.Options);

    public static Task<HttpResponseMessage> PutJsonAsync<T>(this HttpClient client, string url, T body) => client.PutAsJsonAsync(url, body, ApiJson.Options);

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response) => (await response.Content.ReadFromJsonAsync<T>(ApiJson.Options))!;

    public static Task<HttpResponseMessage> LoginRawAsync(HttpClient client, string user, string password) =>
        client.PostJsonAsync("/api/v1/auth/token", new TokenRequest { Username = user, Password = password });

    public static Task<HttpResponseMessage> RefreshRawAsync(HttpClient client, string refreshToken) =>
        client.PostJsonAsync("/api/v1/auth/refresh", new RefreshRequest { RefreshToken = refreshToken });
}
