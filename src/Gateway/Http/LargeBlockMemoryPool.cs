using System.Buffers;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;

namespace ObjectStore.Gateway.Http;

/// <summary>
/// Kestrel's connection memory in 64 KiB blocks instead of its default 4 KiB ones. The socket transport receives into
/// one pipe segment at a time, so a 4 KiB block meant one recv (and a pipe turn) per 4 KiB of an object body: about
/// 262,000 per GiB, which profiled as most of a large upload's CPU. Blocks come from <see cref="ArrayPool{T}.Shared"/>,
/// whose retention is bounded and trimmed under memory pressure, so idle connections hold nothing extra.
/// </summary>
public sealed class LargeBlockMemoryPool : MemoryPool<byte>
{
    /// <summary>The size of every block handed out.</summary>
    public const int BlockSize = 64 * 1024;

    /// <summary>Makes Kestrel's socket transport (which takes its pools from this service) use these blocks.</summary>
    public static IServiceCollection Register(IServiceCollection services) => services.AddSingleton<IMemoryPoolFactory<byte>, Factory>();

    /// <inheritdoc />
    public override int MaxBufferSize => BlockSize;

    /// <inheritdoc />
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        return new Block(ArrayPool<byte>.Shared.Rent(BlockSize));
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
    }

    private sealed class Block(byte[] array) : IMemoryOwner<byte>
    {
        private byte[]? _array = array;

        public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(Block));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _array, null) is { } returned) ArrayPool<byte>.Shared.Return(returned);
        }
    }

    /// <summary>The factory Kestrel's socket transport takes its connection pools from.</summary>
    public sealed class Factory : IMemoryPoolFactory<byte>
    {
        /// <inheritdoc />
        public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeBlockMemoryPool();
    }
}
