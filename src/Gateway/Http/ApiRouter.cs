namespace ObjectStore.Gateway.Http;

/// <summary>
/// Routes the raw request target (api doc §0.3, §2, §3): matching works on the bytes as received,
/// never on Kestrel's decoded and normalised path, so <c>%2F</c> and dot segments reach the key
/// untouched and the literal-colon resources (<c>objects:batch</c>) match only as written.
/// Path parameters must be non-empty; the key is the whole remainder after the scopes segment.
/// </summary>
internal static class ApiRouter
{
    private const string ObjectAllow = "GET,HEAD,PUT,PATCH,DELETE";
    private const string PostAllow = "POST";
    private const string MultipartAllow = "PUT,DELETE";
    private const string PartsAllow = "GET,HEAD,PUT";
    private const string InternalAllow = "GET,HEAD";

    /// <summary>Routes <paramref name="method"/> and <paramref name="rawTarget"/> (origin or absolute form).</summary>
    public static RouteMatch Match(string method, string rawTarget)
    {
        var target = StripAuthority(rawTarget);
        var q = target.IndexOf('?');
        var rawPath = q < 0 ? target : target[..q];
        var rawQuery = q < 0 ? "" : target[(q + 1)..];
        var match = MatchPath(method, rawPath.AsSpan(), rawPath);
        return match with { RawPath = rawPath, RawQuery = rawQuery };
    }

    private static string StripAuthority(string target)
    {
        // Absolute-form targets (proxies) carry scheme and authority before the path.
        if (!target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !target.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            return target;
        var slash = target.IndexOf('/', target.IndexOf("//", StringComparison.Ordinal) + 2);
        return slash < 0 ? "/" : target[slash..];
    }

    private static RouteMatch MatchPath(string method, ReadOnlySpan<char> path, string pathString)
    {
        switch (path)
        {
            case "/health":
                return Allowed(method, InternalAllow, ApiRoute.Health);
            case "/ready":
                return Allowed(method, InternalAllow, ApiRoute.Ready);
            case "/keda":
                return Allowed(method, InternalAllow, ApiRoute.Keda);
        }
        if (!path.StartsWith("/v1/")) return NotFound;
        var rest = path[4..];
        var slash = rest.IndexOf('/');
        if (slash < 0) return NotFound;
        var resource = rest[..slash];
        var offset = 4 + slash + 1;
        rest = rest[(slash + 1)..];

        // {usecase}/{scopes} — both non-empty.
        slash = rest.IndexOf('/');
        if (slash <= 0) return NotFound;
        var usecase = pathString.Substring(offset, slash);
        offset += slash + 1;
        rest = rest[(slash + 1)..];
        slash = rest.IndexOf('/');
        string scopes;
        string? key;
        bool trailingSlash;
        if (slash < 0)
        {
            if (rest.IsEmpty) return NotFound;
            scopes = pathString.Substring(offset);
            key = null;
            trailingSlash = false;
        }
        else
        {
            if (slash == 0) return NotFound;
            scopes = pathString.Substring(offset, slash);
            var keyStart = offset + slash + 1;
            key = keyStart < pathString.Length ? pathString[keyStart..] : null;
            trailingSlash = key is null;
        }

        ApiRoute route;
        string allow;
        switch (resource)
        {
            case "objects":
                (route, allow) = key is null ? (ApiRoute.ObjectCollection, PostAllow) : (ApiRoute.Object, ObjectAllow);
                break;
            case "objects:batch":
                // Only the exact trailing-slash form exists.
                if (key is not null || !trailingSlash) return NotFound;
                (route, allow) = (ApiRoute.Batch, PostAllow);
                break;
            case "objects:multipart":
                (route, allow) = key is null ? (ApiRoute.MultipartCollection, PostAllow) : (ApiRoute.Multipart, MultipartAllow);
                break;
            case "objects:multipart:parts":
                if (key is null) return NotFound;
                (route, allow) = (ApiRoute.MultipartParts, PartsAllow);
                break;
            case "objects:multipart:complete":
                if (key is null) return NotFound;
                (route, allow) = (ApiRoute.MultipartComplete, PostAllow);
                break;
            default:
                return NotFound;
        }
        var matched = Allowed(method, allow, route);
        return matched.IsMatch ? matched with { RawUsecase = usecase, RawScopes = scopes, RawKey = key } : matched;
    }

    private static RouteMatch NotFound => new() { Status = 404, Route = ApiRoute.None, RawPath = "", RawQuery = "" };

    private static RouteMatch Allowed(string method, string allow, ApiRoute route)
    {
        if (IsListed(method, allow)) return new RouteMatch { Status = 200, Route = route, RawPath = "", RawQuery = "" };
        return new RouteMatch { Status = 405, Route = ApiRoute.None, Allow = allow, RawPath = "", RawQuery = "" };
    }

    private static bool IsListed(string method, string allow)
    {
        foreach (var range in allow.AsSpan().Split(','))
            if (allow.AsSpan()[range].SequenceEqual(method)) return true;
        return false;
    }
}
