using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace ObjectStore.Gateway.Auth;

/// <summary>One key id of the directory: its public key versions (rotation) and permission ceiling.</summary>
internal sealed class AuthKey
{
    private readonly Ed25519PublicKeyParameters[] _versions;

    public AuthKey(string kid, IReadOnlyList<Ed25519PublicKeyParameters> versions, Permissions maxPermissions)
    {
        Kid = kid;
        _versions = [.. versions];
        MaxPermissions = maxPermissions;
    }

    public string Kid { get; }

    public Permissions MaxPermissions { get; }

    public int VersionCount => _versions.Length;

    /// <summary>True when the Ed25519 signature over <paramref name="message"/> verifies with any version.</summary>
    public bool Verify(byte[] message, byte[] signature)
    {
        if (signature.Length != 64) return false;
        foreach (var key in _versions)
        {
            var verifier = new Ed25519Signer();
            verifier.Init(false, key);
            verifier.BlockUpdate(message, 0, message.Length);
            if (verifier.VerifySignature(signature)) return true;
        }
        return false;
    }
}

/// <summary>The configured key directory (api doc §9.6): kid → Ed25519 public key versions and max permissions.</summary>
internal sealed class KeyDirectory
{
    private readonly Dictionary<string, AuthKey> _keys;

    public KeyDirectory(IEnumerable<AuthKey> keys) => _keys = keys.ToDictionary(k => k.Kid, StringComparer.Ordinal);

    /// <summary>A directory without keys.</summary>
    public static KeyDirectory Empty { get; } = new([]);

    public int Count => _keys.Count;

    public bool TryGet(string kid, out AuthKey key) => _keys.TryGetValue(kid, out key!);

    /// <summary>
    /// Reads every key file of <paramref name="options"/>. Throws <see cref="FormatException"/> naming the
    /// config key (<c>auth.keys.&lt;kid&gt;.key_files[i]</c>) when a file is missing or not an Ed25519 SPKI PEM.
    /// </summary>
    public static KeyDirectory Load(AuthOptions options)
    {
        var keys = new List<AuthKey>();
        foreach (var (kid, entry) in options.Keys)
        {
            var versions = new List<Ed25519PublicKeyParameters>();
            for (var i = 0; i < entry.KeyFiles.Count; i++)
            {
                var where = $"auth.keys.{kid}.key_files[{i}]";
                string pem;
                try
                {
                    pem = File.ReadAllText(entry.KeyFiles[i]);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
                {
                    throw new FormatException($"{where}: cannot read '{entry.KeyFiles[i]}': {e.Message}", e);
                }
                try
                {
                    versions.Add(ParsePublicKeyPem(pem));
                }
                catch (FormatException e)
                {
                    throw new FormatException($"{where}: '{entry.KeyFiles[i]}': {e.Message}", e);
                }
            }
            keys.Add(new AuthKey(kid, versions, ParseMaxPermissions(kid, entry.MaxPermissions)));
        }
        return new KeyDirectory(keys);
    }

    /// <summary>Parses <c>max_permissions</c>; unknown names are errors naming the key.</summary>
    public static Permissions ParseMaxPermissions(string kid, IReadOnlyList<string> names)
    {
        var result = Permissions.None;
        for (var i = 0; i < names.Count; i++)
        {
            if (!PermissionNames.TryParse(names[i], out var p))
                throw new FormatException($"auth.keys.{kid}.max_permissions[{i}]: unknown permission '{names[i]}' (expected object.read, object.write or object.delete)");
            result |= p;
        }
        return result;
    }

    /// <summary>Parses a <c>-----BEGIN PUBLIC KEY-----</c> PEM holding an Ed25519 SubjectPublicKeyInfo.</summary>
    public static Ed25519PublicKeyParameters ParsePublicKeyPem(string pem)
    {
        const string begin = "-----BEGIN PUBLIC KEY-----";
        const string end = "-----END PUBLIC KEY-----";
        var start = pem.IndexOf(begin, StringComparison.Ordinal);
        var stop = start < 0 ? -1 : pem.IndexOf(end, start, StringComparison.Ordinal);
        if (start < 0 || stop < 0) throw new FormatException("expected a PEM block '-----BEGIN PUBLIC KEY-----'");
        var body = pem[(start + begin.Length)..stop];
        byte[] der;
        try
        {
            der = Convert.FromBase64String(string.Concat(body.Where(c => !char.IsWhiteSpace(c))));
        }
        catch (FormatException)
        {
            throw new FormatException("the PEM body is not valid base64");
        }
        return ParsePublicKeyDer(der);
    }

    /// <summary>Parses a DER SubjectPublicKeyInfo that must hold an Ed25519 key.</summary>
    public static Ed25519PublicKeyParameters ParsePublicKeyDer(byte[] der)
    {
        try
        {
            return PublicKeyFactory.CreateKey(der) as Ed25519PublicKeyParameters
                ?? throw new FormatException("the public key is not an Ed25519 key");
        }
        catch (Exception e) when (e is not FormatException)
        {
            throw new FormatException("not a valid SubjectPublicKeyInfo: " + e.Message, e);
        }
    }
}
