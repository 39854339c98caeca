using ObjectStore.Storage.Objects;

namespace ObjectStore.Gateway.Http;

/// <summary>
/// The outcome of routing one request target: a matched route with its still-encoded path pieces,
/// or 404, or 405 with the <c>allow</c> value. Decoding the pieces is a later step
/// (<see cref="TryDecodePath"/>), because the contract checks auth and the 503 gate in between (§3.1).
/// </summary>
internal readonly record struct RouteMatch
{
    /// <summary>Status to answer when not matched: 404 or 405; 200 when matched.</summary>
    public int Status { get; init; }

    /// <summary>The matched route; <see cref="ApiRoute.None"/> on 404/405.</summary>
    public ApiRoute Route { get; init; }

    /// <summary>The <c>allow</c> header value for a 405.</summary>
    public string? Allow { get; init; }

    /// <summary>The usecase segment as received (percent-encoded).</summary>
    public string? RawUsecase { get; init; }

    /// <summary>The scopes segment as received (percent-encoded).</summary>
    public string? RawScopes { get; init; }

    /// <summary>The key remainder as received, or null on collection routes.</summary>
    public string? RawKey { get; init; }

    /// <summary>The path part of the target as received (no query), for pre-signed URL checks.</summary>
    public string RawPath { get; init; }

    /// <summary>The query string as received without the <c>?</c>; empty when absent.</summary>
    public string RawQuery { get; init; }

    /// <summary>True when a route matched and the method is allowed.</summary>
    public bool IsMatch => Status == 200;

    /// <summary>True for routes under <c>/v1</c> that carry usecase and scopes.</summary>
    public bool HasObjectPath => RawUsecase is not null;

    /// <summary>
    /// Percent-decodes usecase, scopes and key (§2.1): the usecase checked against <see cref="UsecaseName"/>
    /// (objectstore-types 0.3.0+), scopes parsed strictly, the key decoded once with <c>+</c> literal; false with the
    /// plain-text 400 body (<c>Invalid URL: …</c>) otherwise.
    /// </summary>
    public bool TryDecodePath(out ObjectPath path, out string error)
    {
        path = default;
        error = "";
        if (RawUsecase is null || RawScopes is null)
        {
            error = "Invalid URL: no object path";
            return false;
        }
        if (!PercentEncoding.TryDecode(RawUsecase, out var usecase))
        {
            error = "Invalid URL: usecase is not valid UTF-8 after percent-decoding";
            return false;
        }
        if (UsecaseName.Validate(usecase) is { } usecaseError)
        {
            error = "Invalid URL: " + usecaseError;
            return false;
        }
        if (!PercentEncoding.TryDecode(RawScopes, out var scopesText))
        {
            error = "Invalid URL: scopes are not valid UTF-8 after percent-decoding";
            return false;
        }
        if (!Scopes.TryParse(scopesText, out var scopes, out var scopesError))
        {
            error = "Invalid URL: " + scopesError;
            return false;
        }
        string? key = null;
        if (RawKey is not null && !PercentEncoding.TryDecode(RawKey, out key))
        {
            error = "Invalid URL: key is not valid UTF-8 after percent-decoding";
            return false;
        }
        path = new ObjectPath(usecase, scopes, key);
        return true;
    }
}

/// <summary>Decoded usecase, scopes and (except on collection routes) key of a request.</summary>
internal readonly record struct ObjectPath(string Usecase, Scopes Scopes, string? Key)
{
    /// <summary>The object id with this path's key.</summary>
    public ObjectId ToObjectId() => new(Usecase, Scopes, Key ?? throw new InvalidOperationException("collection routes have no key"));

    /// <summary>The object id with the given (for example generated) key.</summary>
    public ObjectId ToObjectId(string key) => new(Usecase, Scopes, key);
}
