using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ObjectStore.Storage.LongTerm;

namespace ObjectStore.Gateway.Endpoints;

/// <summary>
/// The JSON body of multipart complete (api doc §8.4): <c>{"parts":[{"part_number":n,"etag":"…"},…]}</c>, read with
/// the §4.2 failures of <see cref="JsonRequestBody"/>.
/// </summary>
internal static class CompleteRequestBody
{
    /// <summary>Reads and validates the body; throws <see cref="Http.ApiException"/> with the §4.2 answer.</summary>
    public static Task<IReadOnlyList<CompletedPart>> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken) =>
        JsonRequestBody.ReadAsync(request, limit, Parse, cancellationToken);

    private static IReadOnlyList<CompletedPart> Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("parts", out var parts))
            throw JsonRequestBody.Shape("missing field `parts`");
        if (parts.ValueKind != JsonValueKind.Array) throw JsonRequestBody.Shape("parts: expected a sequence");
        var result = new List<CompletedPart>(parts.GetArrayLength());
        foreach (var part in parts.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object) throw JsonRequestBody.Shape("parts: expected a struct");
            if (!part.TryGetProperty("part_number", out var number)) throw JsonRequestBody.Shape("parts: missing field `part_number`");
            if (number.ValueKind != JsonValueKind.Number || !number.TryGetUInt32(out var n) || n == 0)
                throw JsonRequestBody.Shape("parts.part_number: expected a nonzero u32");
            if (n > int.MaxValue) throw JsonRequestBody.Shape("parts.part_number: larger than this server supports");
            if (!part.TryGetProperty("etag", out var etag)) throw JsonRequestBody.Shape("parts: missing field `etag`");
            if (etag.ValueKind != JsonValueKind.String) throw JsonRequestBody.Shape("parts.etag: expected a string");
            result.Add(new CompletedPart((int)n, etag.GetString()!));
        }
        return result;
    }
}
