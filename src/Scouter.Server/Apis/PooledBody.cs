using System.Buffers;

namespace Scouter.Server.Apis;

/// <summary>
/// A request body read into a buffer rented from the shared pool (returned on dispose), so a body can
/// be parsed twice without reading the stream again. Kestrel's body-size limit still applies while reading.
/// </summary>
internal sealed class PooledBody : IDisposable
{
    private byte[] _buffer;
    private int _length;

    private PooledBody(int capacity) => _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 4096));

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, _length);

    public static async Task<PooledBody> ReadAsync(Stream stream, long? contentLength, CancellationToken cancellationToken)
    {
        var body = new PooledBody(contentLength is > 0 and < 64 * 1024 * 1024 ? (int)contentLength.Value + 1 : 64 * 1024);
        try
        {
            while (true)
            {
                if (body._length == body._buffer.Length) body.Grow();
                var read = await stream.ReadAsync(body._buffer.AsMemory(body._length), cancellationToken);
                if (read == 0) return body;
                body._length += read;
            }
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    private void Grow()
    {
        var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    public void Dispose()
    {
        if (_buffer.Length == 0) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _length = 0;
    }
}
