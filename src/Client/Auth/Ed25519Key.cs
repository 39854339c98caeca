using System.Buffers.Text;
using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace ObjectStore.Client.Auth;

/// <summary>An Ed25519 private key from PKCS#8 PEM; signs messages (.NET has no built-in Ed25519, hence BouncyCastle).</summary>
internal sealed class Ed25519Key
{
    private readonly Ed25519PrivateKeyParameters _key;

    private Ed25519Key(Ed25519PrivateKeyParameters key) => _key = key;

    /// <summary>Parses the PEM; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static Ed25519Key Parse(string pem) =>
        TryParse(pem, out var key) is { } error ? throw new FormatException(error) : key!;

    /// <summary>Null on success, else why the PEM is not a usable key.</summary>
    public static string? TryParse(string? pem, out Ed25519Key? key)
    {
        key = null;
        const string begin = "-----BEGIN PRIVATE KEY-----";
        const string end = "-----END PRIVATE KEY-----";
        if (string.IsNullOrWhiteSpace(pem)) return "a PKCS#8 PEM private key is required";
        var start = pem.IndexOf(begin, StringComparison.Ordinal);
        var stop = start < 0 ? -1 : pem.IndexOf(end, start, StringComparison.Ordinal);
        if (start < 0 || stop < 0) return "expected a PEM block '-----BEGIN PRIVATE KEY-----' (PKCS#8)";
        byte[] der;
        try
        {
            der = Convert.FromBase64String(string.Concat(pem[(start + begin.Length)..stop].Where(c => !char.IsWhiteSpace(c))));
        }
        catch (FormatException)
        {
            return "the PEM body is not valid base64";
        }
        try
        {
            if (PrivateKeyFactory.CreateKey(der) is not Ed25519PrivateKeyParameters ed25519) return "the private key is not an Ed25519 key";
            key = new Ed25519Key(ed25519);
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return "not a valid PKCS#8 private key: " + e.Message;
        }
    }

    /// <summary>The 64-byte signature of <paramref name="message"/>.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, _key);
        var bytes = message.ToArray();
        signer.BlockUpdate(bytes, 0, bytes.Length);
        return signer.GenerateSignature();
    }

    /// <summary>Unpadded base64url of the signature over the UTF-8 text.</summary>
    public string SignBase64Url(string text) => Base64Url.EncodeToString(Sign(Encoding.UTF8.GetBytes(text)));
}
