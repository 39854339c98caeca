using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using ObjectStore.Gateway.Auth;

namespace ObjectStore.Client.Tests;

/// <summary>A fresh Ed25519 key pair: the private key as the client reads it, the public key as the gateway's verifiers hold it.</summary>
internal sealed class TestKey
{
    public TestKey()
    {
        var generator = new Ed25519KeyPairGenerator();
        generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        Public = (Ed25519PublicKeyParameters)pair.Public;
        PrivateKeyPem = "-----BEGIN PRIVATE KEY-----\n"
            + Convert.ToBase64String(PrivateKeyInfoFactory.CreatePrivateKeyInfo(pair.Private).GetDerEncoded(), Base64FormattingOptions.InsertLineBreaks)
            + "\n-----END PRIVATE KEY-----\n";
    }

    public Ed25519PublicKeyParameters Public { get; }

    public string PrivateKeyPem { get; }

    /// <summary>The gateway's key directory trusting this key as <c>test_kid</c> with every permission.</summary>
    public KeyDirectory Directory => new([new AuthKey("test_kid", [Public], Permissions.All)]);
}
