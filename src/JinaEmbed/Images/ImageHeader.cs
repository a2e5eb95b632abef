namespace JinaEmbed.Images;

/// <summary>What the header of an encoded image says, read before any pixel is decoded.</summary>
public sealed record ImageHeader(ImageFormat Format, int Width, int Height);
