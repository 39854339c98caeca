using System.Globalization;

namespace ObjectStore.Gateway.Http;

/// <summary>
/// The snake_case query parameters of the multipart upload endpoints (api doc §8): <c>upload_id</c>,
/// <c>part_number</c>, <c>max_parts</c>, <c>part_number_marker</c>. Failures are the plain-text 400
/// of a rejected query string (§4.2).
/// </summary>
internal readonly record struct MultipartQuery(string UploadId, uint? PartNumber, uint? MaxParts, uint? PartNumberMarker)
{
    /// <summary>Parses for complete and abort: <c>upload_id</c> required.</summary>
    public static bool TryParseUpload(string rawQuery, out MultipartQuery query, out string error) =>
        TryParse(rawQuery, requirePart: false, allowListing: false, out query, out error);

    /// <summary>Parses for upload part: <c>upload_id</c> and <c>part_number</c> (1..2^32−1) required.</summary>
    public static bool TryParsePart(string rawQuery, out MultipartQuery query, out string error) =>
        TryParse(rawQuery, requirePart: true, allowListing: false, out query, out error);

    /// <summary>Parses for list parts: <c>upload_id</c> required, <c>max_parts</c> and <c>part_number_marker</c> optional.</summary>
    public static bool TryParseList(string rawQuery, out MultipartQuery query, out string error) =>
        TryParse(rawQuery, requirePart: false, allowListing: true, out query, out error);

    /// <summary>
    /// The server-side upload id rule: non-empty and, read as a relative path, only normal
    /// components (no leading <c>/</c>, no <c>.</c> or <c>..</c> components).
    /// </summary>
    public static bool IsValidUploadId(string uploadId)
    {
        if (uploadId.Length == 0 || uploadId[0] == '/') return false;
        var span = uploadId.AsSpan();
        foreach (var range in span.Split('/'))
        {
            var component = span[range];
            if (component is "." or "..") return false;
        }
        return true;
    }

    private static bool TryParse(string rawQuery, bool requirePart, bool allowListing, out MultipartQuery query, out string error)
    {
        query = default;
        error = "";
        var parameters = QueryParameters.Parse(rawQuery);
        foreach (var name in (ReadOnlySpan<string>)["upload_id", "part_number", "max_parts", "part_number_marker"])
        {
            if (parameters.Count(name) > 1)
            {
                error = $"Failed to deserialize query string: duplicate field `{name}`";
                return false;
            }
        }
        var uploadId = parameters.Get("upload_id");
        if (uploadId is null)
        {
            error = "Failed to deserialize query string: missing field `upload_id`";
            return false;
        }
        if (!IsValidUploadId(uploadId))
        {
            error = "Failed to deserialize query string: invalid upload_id";
            return false;
        }
        uint? partNumber = null, maxParts = null, marker = null;
        if (requirePart)
        {
            var text = parameters.Get("part_number");
            if (text is null)
            {
                error = "Failed to deserialize query string: missing field `part_number`";
                return false;
            }
            if (!TryParseNonZero(text, out var n))
            {
                error = "Failed to deserialize query string: part_number: expected an integer between 1 and 4294967295";
                return false;
            }
            partNumber = n;
        }
        if (allowListing)
        {
            if (!TryParseOptional(parameters.Get("max_parts"), "max_parts", out maxParts, out error)) return false;
            if (!TryParseOptional(parameters.Get("part_number_marker"), "part_number_marker", out marker, out error)) return false;
        }
        query = new MultipartQuery(uploadId, partNumber, maxParts, marker);
        return true;
    }

    private static bool TryParseNonZero(string text, out uint value) =>
        uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0;

    private static bool TryParseOptional(string? text, string name, out uint? value, out string error)
    {
        value = null;
        error = "";
        if (text is null) return true;
        if (!uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            error = $"Failed to deserialize query string: {name}: invalid digit found in string";
            return false;
        }
        value = parsed;
        return true;
    }
}
