using FsCheck.Xunit;
using IrminSharp.Merge;
using Xunit;

namespace IrminSharp.Merge.Tests;

public sealed class LwwRegisterContentsTests
{
    private static readonly LwwRegisterContents<string> Lww = new(StringContents.Instance);
    private static readonly LwwRegisterContents<byte[]> LwwBytes = new(BytesContents.Instance);

    private static Option<LwwRegister<string>> Reg(int? t, string writer, int value) =>
        t is { } time ? Option<LwwRegister<string>>.Some(new LwwRegister<string>("v" + value, time, writer)) : Option<LwwRegister<string>>.None;

    [Property]
    public bool Lww_UnchangedSideLaws_WithAbsentRegisters(int? to, int? tx, int vo, int vx) =>
        Codec.UnchangedSideLaws(Lww, Reg(to, "o", vo), Reg(tx, "x", vx))
        && Codec.Yields(Codec.Merge(Lww, Reg(to, "o", vo), Reg(tx, "x", vx), Reg(tx, "x", vx)), Reg(tx, "x", vx));

    [Property]
    public bool Lww_ConcurrentWrites_LaterWins_Symmetrically(int to, int ta, int tb, bool sameWriter, int va, int vb)
    {
        var o = Reg(to, "base", 0);
        var a = Reg(ta, "w1", va);
        var b = Reg(tb, sameWriter ? "w1" : "w2", vb);
        var ab = Codec.Merge(Lww, o, a, b);
        var ba = Codec.Merge(Lww, o, b, a);
        var expected = ta != tb
            ? (ta > tb ? a : b)
            : !sameWriter ? b // "w2" > "w1"
            : string.CompareOrdinal(a.Value.Value, b.Value.Value) >= 0 ? a : b; // "v…" encodings compare like the strings
        return Codec.Yields(ab, expected) && Codec.Yields(ba, expected);
    }

    [Fact]
    public void Lww_ByteValues_CompareByContents()
    {
        var o = new LwwRegister<byte[]>([1], 5, "w");
        var copy = new LwwRegister<byte[]>([1], 5, "w");
        var later = new LwwRegister<byte[]>([2], 1, "x");

        // The unchanged side is recognized although its array is another instance.
        var r = Codec.Merge3(LwwBytes, o, copy, later);
        Assert.Same(later, r.Value.Value);
    }

    [Fact]
    public void Lww_RemovedAgainstRewritten_Conflicts()
    {
        var o = Reg(1, "a", 1);
        Assert.False(Codec.Merge(Lww, o, Option<LwwRegister<string>>.None, Reg(2, "b", 2)).IsOk);
    }

    [Fact]
    public void Lww_NullWriter_IsRefused() => Assert.Throws<ArgumentNullException>(() => new LwwRegister<string>("v", 1, null!));

    [Property]
    public bool Lww_RoundTripsCanonically(long timestamp, string writer, string value) =>
        writer is null || value is null || value.Any(char.IsSurrogate) || writer.Any(char.IsSurrogate)
        || Codec.RoundTrips(Lww, new LwwRegister<string>(value, timestamp, writer));

    [Fact]
    public void Lww_Encoding_IsTimestampWriterValue() =>
        Assert.Equal(new byte[] { 0x93, 0x05, 0xa1, (byte)'w', 0xc4, 0x01, (byte)'v' }, Codec.Encode(Lww, new LwwRegister<string>("v", 5, "w")));

    [Theory]
    [InlineData(new byte[] { 0x93, 0xd3, 0, 0, 0, 0, 0, 0, 0, 5, 0xa1, (byte)'w', 0xc4, 0x01, (byte)'v' })] // long timestamp form
    [InlineData(new byte[] { 0x93, 0x05, 0xa1, (byte)'w', 0xa1, (byte)'v' })] // value as str
    [InlineData(new byte[] { 0x93, 0x05, 0xc0, 0xc4, 0x01, (byte)'v' })] // nil writer
    [InlineData(new byte[] { 0x92, 0x05, 0xa1, (byte)'w' })] // two fields
    [InlineData(new byte[] { 0x93, 0x05, 0xa1, (byte)'w', 0xc4, 0x01, 0xff })] // invalid inner value
    public void Lww_NonCanonicalOrInvalid_IsRejected(byte[] bytes) => Assert.False(Lww.TryDecode(bytes, out _));

    [Property(MaxTest = 1000)]
    public bool Lww_DamagedEncoding_IsRejectedOrCanonical(long timestamp, int value, int how, int where, byte b) =>
        Codec.RejectsOrReproduces(Lww, Codec.Damage(Codec.Encode(Lww, new LwwRegister<string>("v" + value, timestamp, "writer")), how, where, b));

    [Property(MaxTest = 1000)]
    public bool Lww_RandomBytes_AreRejectedOrCanonical(byte[] tail) => Codec.RejectsOrReproduces(Lww, [0x93, .. tail ?? []]);

    [Fact]
    public void Lww_Format_ShowsValueTimeAndWriter() => Assert.Equal("v @5 by w", Lww.Format(new LwwRegister<string>("v", 5, "w")));

    [Fact]
    public void Lww_WriteWithAClockBehind_StampsAfterTheValueItReplaces()
    {
        var v1 = new LwwRegister<string>("v1", 5, "r1");
        var v2 = v1.Write("v2", 3, "r1");
        Assert.Equal(6, v2.Timestamp);
        Assert.Equal(9, v1.Write("v3", 9, "r2").Timestamp);
    }

    [Fact]
    public void Lww_WritesThroughWrite_ConvergeInEveryOrder()
    {
        // The review's case: v1@5; v2 written after seeing v1 with a clock at 3; v3@4 concurrent
        // with v2. Stamped by Write, v2 is later than v1, and every merge order gives one answer.
        var v0 = new LwwRegister<string>("v0", 1, "r0");
        var v1 = v0.Write("v1", 5, "r1");
        var v2 = v1.Write("v2", 3, "r1");
        var v3 = v0.Write("v3", 4, "r2");
        LwwRegister<string> M(LwwRegister<string> o, LwwRegister<string> a, LwwRegister<string> b) => Codec.Merge3(Lww, o, a, b).Value.Value;

        // X merges v1 with v3, then pulls v2 (LCA v1); Y merges v2 with v3 (LCA v0).
        var x = M(v1, M(v0, v1, v3), v2);
        var y = M(v0, v2, v3);
        Assert.Equal("v2", x.Value);
        Assert.Equal("v2", y.Value);
    }

    [Fact]
    public void LastWriterWins_OfAnIncomparableType_WithoutATieBreak_IsRefusedWhenBuilt() =>
        Assert.Throws<ArgumentException>(() => Merges.LastWriterWins<byte[]>(b => b.Length));

    [Fact]
    public void LastWriterWins_WithACodec_BreaksTiesOnEncodedBytes_AndNeverThrows()
    {
        var merge = Merges.LastWriterWins<byte[]>(b => 7, BytesContents.Instance);
        byte[] o = [0], a = [1, 2], b = [1, 3];
        Assert.Equal(b, Laws.Run(merge, o, a, b).Value);
        Assert.Equal(b, Laws.Run(merge, o, b, a).Value);
        Assert.Equal(a, Laws.Run(merge, o, a, [1, 2]).Value);
    }

    [Fact]
    public void LastWriterWins_TieBreakThatCannotTellValuesApart_Conflicts()
    {
        var merge = Merges.LastWriterWins<string>(s => 1, Comparer<string>.Create((_, _) => 0));
        Assert.False(Laws.Run(merge, "o", "a", "b").IsOk);
    }
}
