using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ObjectStore.Gateway.Http;

namespace ObjectStore.Gateway.Endpoints;

/// <summary>
/// A small JSON request body read whole under a limit, with the framework-style plain-text failures of api doc §4.2
/// (axum's <c>Json</c> extractor): 415 wrong content type, 413 over the limit, 400 malformed JSON, 422 a well-formed
/// document of the wrong shape (<see cref="Shape"/>). Used by multipart complete and expiry extension.
/// </summary>
internal static class JsonRequestBody
{
    /// <summary>Reads the body and hands its root element to <paramref name="parse"/>; throws <see cref="ApiException"/> with the §4.2 answer.</summary>
    public static async Task<T> ReadAsync<T>(HttpRequest request, int limit, Func<JsonElement, T> parse, CancellationToken cancellationToken)
    {
        if (!IsJson(request.ContentType))
            throw new ApiException(ApiError.Text(415, "Expected request with `Content-Type: application/json`"));
        if (request.ContentLength > limit) throw TooLarge();
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(limit + 1, 64 * 1024));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limit) throw TooLarge();
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0) break;
                length += read;
                if (length > limit) throw TooLarge();
            }
            return Parse(buffer.AsSpan(0, length), parse);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Parses a complete body; 400 text when it is not JSON, else whatever <paramref name="parse"/> decides.</summary>
    public static T Parse<T>(ReadOnlySpan<byte> json, Func<JsonElement, T> parse)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException e)
        {
            throw new ApiException(ApiError.Text(400, "Failed to parse the request body as JSON: " + e.Message));
        }
        using (document) return parse(document.RootElement);
    }

    /// <summary>The 422 for a well-formed document of the wrong shape, naming what is wrong.</summary>
    public static ApiException Shape(string what) =>
        new(ApiError.Text(422, "Failed to deserialize the JSON body into the target type: " + what));

    private static bool IsJson(string? contentType)
    {
        if (contentType is null) return false;
        var semicolon = contentType.IndexOf(';');
        var essence = (semicolon < 0 ? contentType : contentType[..semicolon]).Trim();
        return essence.Equals("application/json", StringComparison.OrdinalIgnoreCase);
    }

    private static ApiException TooLarge() => new(ApiError.Text(413, "Failed to buffer the request body: length limit exceeded"));
}
