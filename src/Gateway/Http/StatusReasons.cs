namespace ObjectStore.Gateway.Http;

/// <summary>Canonical reason phrases as the reference's HTTP library spells them (batch part status lines, §7.4).</summary>
internal static class StatusReasons
{
    /// <summary>The reason phrase for <paramref name="status"/>, or empty when unknown.</summary>
    public static string Get(int status) => status switch
    {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        206 => "Partial Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    };

    /// <summary><c>"&lt;code&gt; &lt;reason&gt;"</c>, or just the code when the reason is unknown.</summary>
    public static string StatusLine(int status)
    {
        var reason = Get(status);
        return reason.Length == 0 ? status.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{status} {reason}";
    }
}
