using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ObjectStore.Gateway.Http;
using ObjectStore.Storage.LongTerm;

namespace ObjectStore.Gateway.Endpoints;

/// <summary>
/// The JSON body of multipart complete (api doc §8.4): <c>{"parts":[{"part_number":n,"etag":"…"},…]}</c>. Extraction
/// failures are the framework-style plain-text answers of §4.2: 415 wrong content type, 413 over the limit,
/// 400 malformed JSON, 422 a well-formed document of the wrong shape.
/// </summary>
internal static class CompleteRequestBody
{
    /// <summary>Reads and validates the body; throws <see cref="ApiException"/> with the §4.2 answer.</summary>
    public static async Task<IReadOnlyList<CompletedPart>> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
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
            return Parse(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Parses a complete body; 400 text when it is not JSON, 422 text when its shape is wrong.</summary>
    public static IReadOnlyList<CompletedPart> Parse(ReadOnlySpan<byte> json)
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
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("parts", out var parts))
                throw Shape("missing field `parts`");
            if (parts.ValueKind != JsonValueKind.Array) throw Shape("parts: expected a sequence");
            var result = new List<CompletedPart>(parts.GetArrayLength());
            foreach (var part in parts.EnumerateArray())
            {
                if (part.ValueKind != JsonValueKind.Object) throw Shape("parts: expected a struct");
                if (!part.TryGetProperty("part_number", out var number)) throw Shape("parts: missing field `part_number`");
                if (number.ValueKind != JsonValueKind.Number || !number.TryGetUInt32(out var n) || n == 0)
                    throw Shape("parts.part_number: expected a nonzero u32");
                if (n > int.MaxValue) throw Shape("parts.part_number: larger than this server supports");
                if (!part.TryGetProperty("etag", out var etag)) throw Shape("parts: missing field `etag`");
                if (etag.ValueKind != JsonValueKind.String) throw Shape("parts.etag: expected a string");
                result.Add(new CompletedPart((int)n, etag.GetString()!));
            }
            return result;
        }
    }

    private static bool IsJson(string? contentType)
    {
        if (contentType is null) return false;
        var semicolon = contentType.IndexOf(';');
        var essence = (semicolon < 0 ? contentType : contentType[..semicolon]).Trim();
        return essence.Equals("application/json", StringComparison.OrdinalIgnoreCase);
    }

    private static ApiException TooLarge() => new(ApiError.Text(413, "Failed to buffer the request body: length limit exceeded"));

    private static ApiException Shape(string what) =>
        new(ApiError.Text(422, "Failed to deserialize the JSON body into the target type: " + what));
}
