using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ObjectStore.Grains.Objects;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Gateway.Endpoints;

/// <summary>
/// The JSON body of <c>PATCH /v1/objects/{u}/{s}/{key}</c> (objectstore-types 0.2.10+ <c>MetadataUpdate</c>): exactly
/// <c>{"extend_expiry": {"at": "&lt;RFC 3339&gt;"}}</c> or <c>{"extend_expiry": {"after": "&lt;duration&gt;", "from":
/// "now"|"creation"}}</c>, durations in the <c>x-sn-expiration</c> grammar. A field this server does not know is a 422,
/// never ignored (it may be an update the caller expects to happen). Failures as <see cref="JsonRequestBody"/>.
/// </summary>
internal static class ExpiryRequestBody
{
    /// <summary>Reads and validates the body; throws <see cref="Http.ApiException"/> with the §4.2 answer.</summary>
    public static Task<ExpiryRequest> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken) =>
        JsonRequestBody.ReadAsync(request, limit, Parse, cancellationToken);

    /// <summary>The request a well-formed document asks for; 422 <see cref="Http.ApiException"/> for any other shape.</summary>
    public static ExpiryRequest Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) throw JsonRequestBody.Shape("expected struct MetadataUpdate");
        RejectUnknown(root, "", "extend_expiry");
        if (!root.TryGetProperty("extend_expiry", out var extension)) throw JsonRequestBody.Shape("missing field `extend_expiry`");
        if (extension.ValueKind != JsonValueKind.Object) throw JsonRequestBody.Shape("extend_expiry: expected `at` or `after` with `from`");
        if (extension.TryGetProperty("at", out var at))
        {
            RejectUnknown(extension, "extend_expiry.", "at");
            if (at.ValueKind != JsonValueKind.String || !ObjectTimestamp.TryParseRfc3339(at.GetString()!, out var deadline))
                throw JsonRequestBody.Shape("extend_expiry.at: expected an RFC 3339 timestamp");
            if (deadline < DateTimeOffset.UnixEpoch) throw JsonRequestBody.Shape("extend_expiry.at: timestamp before 1970-01-01");
            return new ExpiryRequest { Anchor = ExpiryAnchor.Absolute, At = deadline };
        }
        RejectUnknown(extension, "extend_expiry.", "after", "from");
        if (!extension.TryGetProperty("after", out var after)) throw JsonRequestBody.Shape("extend_expiry: expected `at` or `after` with `from`");
        if (after.ValueKind != JsonValueKind.String || !WireDuration.TryParse(after.GetString(), out var lifetime))
            throw JsonRequestBody.Shape("extend_expiry.after: expected a duration like `30d` or `1h 30m`");
        if (!extension.TryGetProperty("from", out var from)) throw JsonRequestBody.Shape("extend_expiry: missing field `from`");
        var anchor = from.ValueKind == JsonValueKind.String ? from.GetString() : null;
        return anchor switch
        {
            "now" => new ExpiryRequest { Anchor = ExpiryAnchor.Now, After = lifetime },
            "creation" => new ExpiryRequest { Anchor = ExpiryAnchor.Creation, After = lifetime },
            _ => throw JsonRequestBody.Shape("extend_expiry.from: unknown variant, expected `now` or `creation`"),
        };
    }

    private static void RejectUnknown(JsonElement element, string path, params ReadOnlySpan<string> known)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name)) throw JsonRequestBody.Shape($"{path}{property.Name}: unknown field");
        }
    }
}
