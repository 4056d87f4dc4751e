using System.Text.Json;
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
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, ApiJson.Options, cancellationToken);
            return value is null
                ? (null, Problems.Validation("invalid_json", "body", "The request body must be a JSON object."))
                : (value, null);
        }
        catch (JsonException ex)
        {
            var field = ex.Path is null or "$" ? "body" : ex.Path.StartsWith("$.", StringComparison.Ordinal) ? ex.Path[2..] : ex.Path.TrimStart('$');
            return (null, Problems.Validation("invalid_json", field, "Invalid JSON: " + ex.Message.Split(" Path:", 2)[0]));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Problems.Create(StatusCodes.Status413PayloadTooLarge, "payload_too_large", "The request body is larger than the server accepts."));
        }
        catch (ScouterConfigException ex)
        {
            return (null, Problems.Validation("invalid_profile", "profile." + ex.ParamName, "Invalid profile: " + ex.Message));
        }
        catch (ArgumentException ex)
        {
            return (null, Problems.Validation("invalid_profile", "profile" + (ex.ParamName is { } p ? "." + p : string.Empty), "Invalid profile: " + ex.Message.Split(" (Parameter", 2)[0]));
        }
    }
}
