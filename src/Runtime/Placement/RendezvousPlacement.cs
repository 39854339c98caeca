using System.Numerics;
using System.Text;
using ObjectStore.Runtime.Membership;

namespace ObjectStore.Runtime.Placement;

/// <summary>
/// Rendezvous (highest-random-weight) placement over one membership view: the owner of a grain is the live
/// silo with the highest score <c>Avalanche(grainHash ^ rotl(siloHash, 17))</c>, where siloHash is XXH64 of the
/// silo id. A silo joining takes only the keys it now wins; a silo leaving gives only its own keys away; all other
/// keys stay put. No directory round trip. Immutable: rebuilt when the view changes.
/// </summary>
internal sealed class RendezvousPlacement
{
    private readonly SiloInfo[] _silos;
    private readonly ulong[] _siloHashes;

    public RendezvousPlacement(MembershipView view)
    {
        View = view;
        _silos = [.. view.LiveSilos];
        _siloHashes = new ulong[_silos.Length];
        for (var i = 0; i < _silos.Length; i++)
            _siloHashes[i] = BitOperations.RotateLeft(GrainHash.XxHash64(Encoding.UTF8.GetBytes(_silos[i].SiloId)), 17);
    }

    public MembershipView View { get; }

    public int SiloCount => _silos.Length;

    /// <summary>The owning silo of <paramref name="grainHash"/>, or null when no silo is live.</summary>
    public SiloInfo? Owner(ulong grainHash)
    {
        SiloInfo? best = null;
        var bestScore = 0UL;
        for (var i = 0; i < _silos.Length; i++)
        {
            var score = GrainHash.Avalanche(grainHash ^ _siloHashes[i]);
            if (best is null || score > bestScore)
            {
                best = _silos[i];
                bestScore = score;
            }
        }
        return best;
    }
}
