namespace ObjectStore.Gateway.Http;

/// <summary>The routes of the v1 API and the internal endpoints (api doc §3).</summary>
internal enum ApiRoute
{
    /// <summary>No route matched (404) or the method is not allowed (405).</summary>
    None,
    /// <summary><c>GET /health</c>.</summary>
    Health,
    /// <summary><c>GET /ready</c>.</summary>
    Ready,
    /// <summary><c>GET /keda</c>.</summary>
    Keda,
    /// <summary><c>POST /v1/objects/{u}/{s}[/]</c>: insert with a generated key.</summary>
    ObjectCollection,
    /// <summary><c>GET|HEAD|PUT|DELETE /v1/objects/{u}/{s}/{*key}</c>.</summary>
    Object,
    /// <summary><c>POST /v1/objects:batch/{u}/{s}/</c>.</summary>
    Batch,
    /// <summary><c>POST /v1/objects:multipart/{u}/{s}[/]</c>: initiate with a generated key.</summary>
    MultipartCollection,
    /// <summary><c>PUT /v1/objects:multipart/{u}/{s}/{*key}</c> (initiate) or <c>DELETE</c> (abort).</summary>
    Multipart,
    /// <summary><c>PUT /v1/objects:multipart:parts/{u}/{s}/{*key}</c> (upload part) or <c>GET</c> (list parts).</summary>
    MultipartParts,
    /// <summary><c>POST /v1/objects:multipart:complete/{u}/{s}/{*key}</c>.</summary>
    MultipartComplete,
}
