using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Scouter.Server.Apis;

/// <summary>
/// Reads JSON bodies with the API conventions and turns every client mistake into a problem detail
/// (bad JSON naming its path, oversized bodies, invalid profile values) instead of framework errors.
/// </summary>
internal static class ApiBody
{
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken) where T : class
    {
        try
        {
            using var body = await PooledBody.ReadAsync(new Utf8ValidatingStream(request.Body), request.ContentLength, MaxBodyBytes(request), cancellationToken);
            var value = Deserialize<T>(body.Span);
            return value is null
                ? (null, Problems.Validation("invalid_json", "body", "The request body must be a JSON object."))
                : (value, null);
        }
        catch (InvalidCharacterException ex)
        {
            return (null, TextRules.Problem(ex.Field));
        }
        catch (JsonException ex)
        {
            return (null, Problems.Validation("invalid_json", Field(ex.Path), "Invalid JSON: " + ex.Message.Split(" Path:", 2)[0]));
        }
        catch (NotSupportedException ex)
        {
            // System.Text.Json reports some malformed input this way, e.g. a polymorphic object without
            // its discriminator ("records[0]" with no "type"); the path is only in the message.
            var path = ex.Message.Split(" Path: ", 2) is [_, var rest] ? rest.Split(" | ", 2)[0] : null;
            return (null, Problems.Validation("invalid_json", Field(path), "Invalid JSON: " + (ex.InnerException ?? ex).Message.Split(" Path:", 2)[0]));
        }
        catch (InvalidUtf8Exception ex)
        {
            return (null, Problems.Validation("invalid_json", "body", ex.Message));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Problems.Create(StatusCodes.Status413PayloadTooLarge, Problems.PayloadTooLarge,
                string.Create(CultureInfo.InvariantCulture, $"The request body is larger than the server accepts ({MaxBodyBytes(request)} bytes)."), "body"));
        }
        catch (ScouterConfigException ex)
        {
            return (null, Problems.Validation("invalid_profile", "profile" + (ex.ParamName is { Length: > 0 } p ? "." + p : string.Empty), "Invalid profile: " + ex.Message));
        }
        catch (ArgumentException ex)
        {
            return (null, Problems.Validation("invalid_profile", "profile" + (ex.ParamName is { Length: > 0 } p ? "." + p : string.Empty), "Invalid profile: " + ex.Message.Split(" (Parameter", 2)[0]));
        }
    }

    /// <summary>Kestrel's body limit for this request, else the configured one (<see cref="ServerOptions.MaxRequestBodyBytes"/>).</summary>
    private static long MaxBodyBytes(HttpRequest request) =>
        request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize
        ?? request.HttpContext.RequestServices.GetRequiredService<ServerOptions>().MaxRequestBodyBytes;

    /// <summary>
    /// Fast path first (discriminators leading, as Scouter clients send them); anything that fails there
    /// is parsed again with the permissive options, whose result or error is the answer.
    /// </summary>
    /// <exception cref="InvalidCharacterException">A string or property name holds U+0000 (<see cref="TextRules"/>).</exception>
    internal static T? Deserialize<T>(ReadOnlySpan<byte> json) where T : class
    {
        if (TextRules.FindInJson(json) is { } field) throw new InvalidCharacterException(field);
        try
        {
            return JsonSerializer.Deserialize<T>(json, ApiJson.InOrderOptions);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            return JsonSerializer.Deserialize<T>(json, ApiJson.Options);
        }
    }

    /// <summary>A JSON path as a problem field: without the leading <c>$.</c>, and <c>body</c> for the root.</summary>
    internal static string Field(string? path) =>
        path is null or "" or "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
}
