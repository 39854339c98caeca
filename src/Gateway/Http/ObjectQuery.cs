namespace ObjectStore.Gateway.Http;

/// <summary>What the query string of a mutating object request (POST/PUT/DELETE on <c>/v1/objects/…</c>) asks for.</summary>
internal enum ObjectQueryTarget
{
    /// <summary>No resumable parameter: a plain insert, overwrite or delete.</summary>
    None,
    /// <summary><c>upload_type=resumable</c>: create a resumable upload session.</summary>
    NewSession,
    /// <summary><c>session=…</c>: a chunk, an offset query or a cancellation of an existing session.</summary>
    ExistingSession,
}

/// <summary>
/// Classifies the query of a mutating object request (docs/api.md, "Query parameters on object writes").
/// Upstream (objectstore-server <c>endpoints/resumable.rs</c>, 0.2.6 and later) dispatches on two parameters:
/// <c>upload_type</c> (only <c>resumable</c>; any other value is a 400) and <c>session</c>, mutually exclusive (400).
/// Upstream ignores every other parameter; this server refuses them with a 400 instead, because a parameter it
/// does not know may be one that changes the operation, and carrying out a write or delete without it could
/// damage data. The <c>os_</c> names (JWT and pre-signed URL auth) are the one namespace clients add to any URL.
/// </summary>
internal readonly record struct ObjectQuery(ObjectQueryTarget Target, string? Session)
{
    /// <summary>The parameter that creates a session.</summary>
    public const string UploadTypeParameter = "upload_type";

    /// <summary>The parameter naming an existing session.</summary>
    public const string SessionParameter = "session";

    /// <summary>The only <c>upload_type</c> value.</summary>
    public const string Resumable = "resumable";

    /// <summary>Prefix of the auth parameters (<c>os_auth</c>, <c>os_kid</c>, <c>os_sig</c>, …), consumed by authentication.</summary>
    public const string AuthPrefix = "os_";

    /// <summary>A plain request.</summary>
    public static ObjectQuery Plain => new(ObjectQueryTarget.None, null);

    /// <summary>Parses <paramref name="rawQuery"/>; false with the 400 JSON error for unknown, repeated, conflicting or invalid parameters.</summary>
    public static bool TryParse(string rawQuery, out ObjectQuery query, out ApiError? error)
    {
        query = Plain;
        error = null;
        if (rawQuery.Length == 0) return true;
        var parameters = QueryParameters.Parse(rawQuery);
        foreach (var (name, _) in parameters.Pairs)
        {
            if (name is UploadTypeParameter or SessionParameter || name.StartsWith(AuthPrefix, StringComparison.Ordinal)) continue;
            error = ApiError.Json(400, $"client error: unsupported query parameter `{name}`",
                "this server does not implement it and does not carry out a write or delete while ignoring a parameter");
            return false;
        }
        foreach (var name in (ReadOnlySpan<string>)[UploadTypeParameter, SessionParameter])
        {
            if (parameters.Count(name) <= 1) continue;
            error = ApiError.Json(400, $"client error: Failed to deserialize query string: duplicate field `{name}`");
            return false;
        }
        var uploadType = parameters.Get(UploadTypeParameter);
        var session = parameters.Get(SessionParameter);
        if (uploadType is not null && uploadType != Resumable)
        {
            error = ApiError.Json(400, $"client error: Failed to deserialize query string: {UploadTypeParameter}: unknown variant `{uploadType}`, expected `{Resumable}`");
            return false;
        }
        if (uploadType is not null && session is not null)
        {
            error = ApiError.Json(400, $"client error: `{UploadTypeParameter}` and `{SessionParameter}` are mutually exclusive");
            return false;
        }
        query = uploadType is not null ? new ObjectQuery(ObjectQueryTarget.NewSession, null)
            : session is not null ? new ObjectQuery(ObjectQueryTarget.ExistingSession, session)
            : Plain;
        return true;
    }
}
