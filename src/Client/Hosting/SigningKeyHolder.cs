using ObjectStore.Client.Auth;

namespace ObjectStore.Client.Hosting;

/// <summary>The DI-shared token minter (null without a signing key).</summary>
internal sealed record SigningKeyHolder(TokenMinter? Minter);
