using Microsoft.AspNetCore.Http;
using Scouter.Server.Apis;
using Xunit;

namespace Scouter.Server.Tests.Apis;

/// <summary>
/// The request body buffer: it starts small whatever length is declared, grows with the bytes that
/// arrive (at most doubling), takes a body of exactly the limit and refuses one byte more.
/// </summary>
public sealed class PooledBodyTests
{
    private const int Limit = 100_000;

    [Fact]
    public async Task DeclaredLength_IsNotAllocated_TheBufferGrowsWithTheBytesThatArrive()
    {
        var content = Enumerable.Range(0, 300_000).Select(i => (byte)i).ToArray();
        var stream = new RecordingStream(content, chunk: 1000);

        using var body = await PooledBody.ReadAsync(stream, contentLength: 16 * 1024 * 1024, maxBytes: 16 * 1024 * 1024, TestContext.Current.CancellationToken);

        Assert.Equal(content, body.Span.ToArray());
        Assert.InRange(stream.Reads[0].Room, 1, 16 * 1024);
        foreach (var (received, room) in stream.Reads)
        {
            Assert.True(received + room <= Math.Max(16 * 1024, 2 * received),
                $"a read after {received} bytes was offered {room} bytes: the buffer grew ahead of the data");
        }
    }

    [Fact]
    public async Task BodyOfExactlyTheLimit_IsRead()
    {
        var content = new byte[Limit];
        Random.Shared.NextBytes(content);

        using var body = await PooledBody.ReadAsync(new RecordingStream(content, chunk: 7_000), contentLength: null, Limit, TestContext.Current.CancellationToken);

        Assert.Equal(content, body.Span.ToArray());
        Assert.True(body.Capacity < 2 * Limit);
    }

    [Fact]
    public async Task BodyOfTheLimitPlusOne_WithoutADeclaredLength_Is413()
    {
        var stream = new RecordingStream(new byte[Limit + 1], chunk: 7_000);

        var ex = await Assert.ThrowsAsync<BadHttpRequestException>(() =>
            PooledBody.ReadAsync(stream, contentLength: null, Limit, TestContext.Current.CancellationToken));

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, ex.StatusCode);
    }

    [Fact]
    public async Task DeclaredLengthOverTheLimit_Is413_BeforeAnyByteIsRead()
    {
        var stream = new RecordingStream(new byte[10], chunk: 10);

        var ex = await Assert.ThrowsAsync<BadHttpRequestException>(() =>
            PooledBody.ReadAsync(stream, contentLength: Limit + 1, Limit, TestContext.Current.CancellationToken));

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, ex.StatusCode);
        Assert.Empty(stream.Reads);
    }

    /// <summary>Serves <c>content</c> at most <c>chunk</c> bytes per read, noting each read's offered room and the bytes served before it.</summary>
    private sealed class RecordingStream(byte[] content, int chunk) : Stream
    {
        private int _position;

        public List<(int Received, int Room)> Reads { get; } = [];

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Reads.Add((_position, buffer.Length));
            var n = Math.Min(Math.Min(chunk, buffer.Length), content.Length - _position);
            content.AsSpan(_position, n).CopyTo(buffer.Span);
            _position += n;
            return ValueTask.FromResult(n);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
