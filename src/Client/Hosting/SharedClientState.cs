using ObjectStore.Client.Auth;
using ObjectStore.Client.Http;

namespace ObjectStore.Client.Hosting;

/// <summary>
/// What every typed-client instance of one registration shares: the parsed signing key and the resilience pipelines
/// (typed clients are transient; parsing PEM or building pipelines per instance would be wasted work).
/// </summary>
internal sealed record SharedClientState(TokenMinter? Minter, ResiliencePipelines Pipelines);
