using JinaEmbed.Compute;

namespace JinaEmbed.Tests.Compute;

public class WeightMatrixTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(33, 5)]
    [InlineData(70, 17)]
    public void Float32PackingRoundTrips(int rows, int columns)
    {
        var data = Enumerable.Range(0, rows * columns).Select(i => (float)i - 3.5f).ToArray();
        var matrix = WeightMatrix.FromFloat32(data, rows, columns);
        Assert.False(matrix.IsBFloat16);
        Assert.Equal(data, matrix.ToFloat32());
        Assert.Equal(data[((rows - 1) * columns) + columns - 1], matrix[rows - 1, columns - 1]);
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(40, 9)]
    public void BFloat16IsKeptCompactAndWidenedExactly(int rows, int columns)
    {
        var bits = Enumerable.Range(0, rows * columns).Select(i => (ushort)(0x3F80 + (i % 97))).ToArray();
        var matrix = WeightMatrix.FromBFloat16(bits, rows, columns);
        Assert.True(matrix.IsBFloat16);
        int panels = (rows + 31) / 32;
        Assert.Equal((long)panels * 32 * columns * sizeof(ushort), matrix.ResidentBytes);
        var row = new float[columns];
        for (int r = 0; r < rows; r++)
        {
            matrix.CopyRow(r, row);
            for (int c = 0; c < columns; c++)
            {
                Assert.Equal(BitConverter.Int32BitsToSingle(bits[(r * columns) + c] << 16), row[c]);
                Assert.Equal(row[c], matrix[r, c]);
            }
        }
    }

    [Fact]
    public void WrongShapeIsRejected()
    {
        Assert.Throws<ArgumentException>(() => WeightMatrix.FromFloat32(new float[5], 2, 3));
        Assert.Throws<ArgumentException>(() => WeightMatrix.FromBFloat16(new ushort[7], 2, 3));
    }
}
