using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace ObjectStore.Client.Auth;

/// <summary>
/// Mints the official clients' EdDSA JWTs (api doc §9.3): header <c>{"alg":"EdDSA","typ":"JWT","kid":…}</c>, claims
/// <c>{"res":{"os:usecase":u, scope…},"permissions":[…],"exp":now+expiry}</c>, scope values as strings.
/// </summary>
internal sealed class TokenMinter(ObjectStoreSigningKey settings, Ed25519Key key, TimeProvider time)
{
    public string KeyId => settings.KeyId;

    public Ed25519Key Key => key;

    /// <summary>A token for one usecase and scope; <paramref name="permissions"/> must be within the key's.</summary>
    public string Mint(string usecase, Scope scope, ObjectStorePermissions? permissions = null, TimeSpan? expiry = null)
    {
        var granted = permissions ?? settings.Permissions;
        if ((granted & ~settings.Permissions) != 0)
            throw new ArgumentException($"requested permissions {granted & ~settings.Permissions} are not granted to signing key '{settings.KeyId}'", nameof(permissions));
        var exp = time.GetUtcNow() + (expiry ?? settings.TokenExpiry);

        var header = new ArrayBufferWriter<byte>(64);
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            json.WriteString("alg", "EdDSA");
            json.WriteString("typ", "JWT");
            json.WriteString("kid", settings.KeyId);
            json.WriteEndObject();
        }
        var claims = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(claims))
        {
            json.WriteStartObject();
            json.WriteStartObject("res");
            json.WriteString("os:usecase", usecase);
            foreach (var (name, value) in scope.Components) json.WriteString(name, value);
            json.WriteEndObject();
            json.WriteStartArray("permissions");
            if ((granted & ObjectStorePermissions.Read) != 0) json.WriteStringValue("object.read");
            if ((granted & ObjectStorePermissions.Write) != 0) json.WriteStringValue("object.write");
            if ((granted & ObjectStorePermissions.Delete) != 0) json.WriteStringValue("object.delete");
            json.WriteEndArray();
            json.WriteNumber("exp", exp.ToUnixTimeSeconds());
            json.WriteEndObject();
        }
        var input = Base64Url.EncodeToString(header.WrittenSpan) + "." + Base64Url.EncodeToString(claims.WrittenSpan);
        return input + "." + Base64Url.EncodeToString(key.Sign(Encoding.ASCII.GetBytes(input)));
    }
}
