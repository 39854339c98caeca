using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using ObjectStore.Gateway.Auth;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace ObjectStore.Silo.Tests.Auth;

/// <summary>A test-side Ed25519 key pair that signs JWTs and pre-signed URLs the way the clients do.</summary>
internal sealed class TestSigner
{
    private readonly Ed25519PrivateKeyParameters _private;

    public TestSigner()
    {
        var generator = new Ed25519KeyPairGenerator();
        generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        _private = (Ed25519PrivateKeyParameters)pair.Private;
        Public = (Ed25519PublicKeyParameters)pair.Public;
    }

    public Ed25519PublicKeyParameters Public { get; }

    public string PublicPem
    {
        get
        {
            var der = SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(Public).GetDerEncoded();
            return "-----BEGIN PUBLIC KEY-----\n" + Convert.ToBase64String(der) + "\n-----END PUBLIC KEY-----\n";
        }
    }

    public byte[] Sign(byte[] message)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, _private);
        signer.BlockUpdate(message, 0, message.Length);
        return signer.GenerateSignature();
    }

    /// <summary>Signs an arbitrary header and claims object (both serialized as given).</summary>
    public string Jwt(object header, object claims)
    {
        var input = B64(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + B64(JsonSerializer.SerializeToUtf8Bytes(claims));
        return input + "." + B64(Sign(Encoding.ASCII.GetBytes(input)));
    }

    /// <summary>The clients' token shape: <c>{"res":{"os:usecase":u, scopes…},"permissions":[…],"exp":…}</c>.</summary>
    public string Token(string kid, string usecase, IDictionary<string, string>? scopes, string[] permissions, DateTimeOffset exp)
    {
        var res = new Dictionary<string, string> { ["os:usecase"] = usecase };
        foreach (var (k, v) in scopes ?? new Dictionary<string, string>()) res[k] = v;
        return Jwt(new { alg = "EdDSA", typ = "JWT", kid }, new { res, permissions, exp = exp.ToUnixTimeSeconds() });
    }

    /// <summary>The Python client's pre-signed query: <c>os_kid, os_timestamp, os_duration</c>, then <c>os_sig</c>.</summary>
    public string PresignQuery(string method, string rawPath, string kid, DateTimeOffset timestamp, long durationSeconds, string extraQuery = "")
    {
        var query = $"os_kid={kid}&os_timestamp={timestamp.UtcDateTime:yyyy-MM-ddTHH:mm:ss}Z&os_duration={durationSeconds}";
        if (extraQuery.Length > 0) query = extraQuery + "&" + query;
        var canonical = PresignedUrl.CanonicalString(method, rawPath, query);
        return query + "&os_sig=" + B64(Sign(Encoding.UTF8.GetBytes(canonical)));
    }

    public static string B64(byte[] bytes) => Base64Url.EncodeToString(bytes);

    /// <summary>A directory with one kid whose versions are the given signers' public keys.</summary>
    public static KeyDirectory Directory(string kid, Permissions max, params TestSigner[] versions) =>
        new([new AuthKey(kid, versions.Select(v => v.Public).ToList(), max)]);
}
