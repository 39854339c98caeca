using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace ObjectStore.Gateway.Auth;

/// <summary>
/// Verifies objectstore's EdDSA (Ed25519) JWTs (api doc §9.3) against the key directory, in the
/// reference order: header decodes → <c>kid</c> present (400) → kid known (401) → <c>alg</c> is EdDSA (401)
/// → signature verifies with some key version (401) → claims valid (401).
/// </summary>
internal sealed class JwtVerifier(KeyDirectory keys)
{
    /// <summary>Leeway on <c>exp</c>.</summary>
    public static readonly TimeSpan Leeway = TimeSpan.FromSeconds(60);

    private static readonly string[] AcceptedIssuers = ["sentry", "relay"];
    private const string Audience = "objectstore";
    private const string UsecaseClaim = "os:usecase";

    /// <summary>Returns the token's context with permissions already intersected with the key's ceiling.</summary>
    public AuthContext Verify(string token, DateTimeOffset now)
    {
        var firstDot = token.IndexOf('.');
        var lastDot = token.LastIndexOf('.');
        if (firstDot < 0 || lastDot == firstDot || token.IndexOf('.', firstDot + 1) != lastDot)
            throw AuthException.DecodeFailed("InvalidToken");

        var header = DecodeJson(token.AsSpan(0, firstDot), "header");
        string kid;
        string? alg;
        using (header)
        {
            if (header.RootElement.ValueKind != JsonValueKind.Object) throw AuthException.DecodeFailed("InvalidToken");
            alg = header.RootElement.TryGetProperty("alg", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
            if (alg is null) throw AuthException.DecodeFailed("InvalidToken");
            if (!header.RootElement.TryGetProperty("kid", out var k) || k.ValueKind == JsonValueKind.Null)
                throw AuthException.MissingKid();
            if (k.ValueKind != JsonValueKind.String) throw AuthException.DecodeFailed("InvalidToken");
            kid = k.GetString()!;
        }

        if (!keys.TryGet(kid, out var key)) throw AuthException.UnknownKey();
        if (alg != "EdDSA") throw AuthException.DecodeFailed("InvalidAlgorithm");

        var signature = DecodeBase64Url(token.AsSpan(lastDot + 1)) ?? throw AuthException.DecodeFailed("InvalidSignature");
        var signingInput = Encoding.ASCII.GetBytes(token, 0, lastDot);
        if (!key.Verify(signingInput, signature)) throw AuthException.VerifyFailed();

        using var claims = DecodeJson(token.AsSpan(firstDot + 1, lastDot - firstDot - 1), "claims");
        return ValidateClaims(claims.RootElement, key, now);
    }

    private static AuthContext ValidateClaims(JsonElement claims, AuthKey key, DateTimeOffset now)
    {
        if (claims.ValueKind != JsonValueKind.Object) throw AuthException.DecodeFailed("InvalidToken");

        if (!claims.TryGetProperty("exp", out var exp)) throw AuthException.DecodeFailed("Missing required claim: exp");
        // The reference reads exp as u64 and compares exp < now − leeway: any u64 is a valid claim, and a far-future
        // one never expires. Subtracting from now (never negative here) cannot overflow where exp + leeway would.
        if (exp.ValueKind != JsonValueKind.Number || !exp.TryGetUInt64(out var expSeconds))
            throw AuthException.DecodeFailed("InvalidClaimFormat: exp");
        if (IsExpired(expSeconds, now)) throw AuthException.DecodeFailed("ExpiredSignature");

        if (claims.TryGetProperty("aud", out var aud) && !ContainsAny(aud, [Audience]))
            throw AuthException.DecodeFailed("InvalidAudience");
        if (claims.TryGetProperty("iss", out var iss) && !ContainsAny(iss, AcceptedIssuers))
            throw AuthException.DecodeFailed("InvalidIssuer");

        if (!claims.TryGetProperty("res", out var res) || res.ValueKind != JsonValueKind.Object)
            throw AuthException.DecodeFailed("JSON error: missing or invalid field `res`");
        string? usecase = null;
        var resources = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in res.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw AuthException.DecodeFailed($"JSON error: `res.{entry.Name}` must be a string");
            if (entry.Name == UsecaseClaim) usecase = entry.Value.GetString();
            else resources.TryAdd(entry.Name, entry.Value.GetString()!);
        }
        if (usecase is null) throw AuthException.DecodeFailed("JSON error: missing field `os:usecase`");

        if (!claims.TryGetProperty("permissions", out var perms) || perms.ValueKind != JsonValueKind.Array)
            throw AuthException.DecodeFailed("JSON error: missing or invalid field `permissions`");
        var granted = Permissions.None;
        foreach (var p in perms.EnumerateArray())
        {
            if (p.ValueKind != JsonValueKind.String || !PermissionNames.TryParse(p.GetString(), out var one))
                throw AuthException.DecodeFailed("JSON error: unknown permission in `permissions`");
            granted |= one;
        }

        return AuthContext.ForToken(usecase, resources, granted & key.MaxPermissions);
    }

    /// <summary>True when <paramref name="expSeconds"/> (Unix seconds) is more than <see cref="Leeway"/> before <paramref name="now"/>.</summary>
    internal static bool IsExpired(ulong expSeconds, DateTimeOffset now)
    {
        var cutoff = now.ToUnixTimeSeconds() - (long)Leeway.TotalSeconds;
        return cutoff > 0 && expSeconds < (ulong)cutoff;
    }

    /// <summary>A string claim equal to one of <paramref name="accepted"/>, or an array overlapping them.</summary>
    private static bool ContainsAny(JsonElement claim, string[] accepted)
    {
        if (claim.ValueKind == JsonValueKind.String) return accepted.Contains(claim.GetString());
        if (claim.ValueKind != JsonValueKind.Array) return false;
        foreach (var item in claim.EnumerateArray())
            if (item.ValueKind == JsonValueKind.String && accepted.Contains(item.GetString())) return true;
        return false;
    }

    private static JsonDocument DecodeJson(ReadOnlySpan<char> segment, string what)
    {
        var bytes = DecodeBase64Url(segment) ?? throw AuthException.DecodeFailed("Base64 error: invalid " + what);
        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException)
        {
            throw AuthException.DecodeFailed("JSON error: invalid " + what);
        }
    }

    /// <summary>
    /// Decodes unpadded base64url strictly; null when malformed. Non-zero trailing bits are rejected, as the
    /// reference does: otherwise a tampered last character could decode to the same bytes and still verify.
    /// </summary>
    internal static byte[]? DecodeBase64Url(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return null;
        if (text.Length % 4 == 1) return null;
        try
        {
            var bytes = Base64Url.DecodeFromChars(text);
            return Base64Url.EncodeToString(bytes).AsSpan().SequenceEqual(text) ? bytes : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
