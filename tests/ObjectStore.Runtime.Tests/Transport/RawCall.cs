using System.Net;
using ObjectStore.Runtime.Invocation;
using ObjectStore.Runtime.Transport;

namespace ObjectStore.Runtime.Tests.Transport;

/// <summary>Grain messages sent with a plain HttpClient, as an outsider (or a confused peer) would.</summary>
internal static class RawCall
{
    /// <summary>An Echo("hello")-shaped call message of the wire format.</summary>
    public static byte[] Message(string type, string key, ushort method, byte flags = 0)
    {
        var writer = new GrainWriter(64);
        try
        {
            writer.WriteByte(WireFormat.Version);
            writer.WriteByte(flags);
            writer.WriteInt32(5000);
            writer.WriteVarUInt64(0);
            writer.WriteString(type);
            writer.WriteString(key);
            writer.WriteUInt16(method);
            writer.WriteString("hello");
            return writer.WrittenSpan.ToArray();
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>POSTs <paramref name="message"/> over h2c, with <paramref name="clusterKey"/> when given.</summary>
    public static async Task<HttpStatusCode> SendAsync(string address, byte[] message, string? clusterKey)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, address + WireFormat.Path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(message),
        };
        if (clusterKey is not null) request.Headers.Add(WireFormat.ClusterKeyHeader, clusterKey);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
