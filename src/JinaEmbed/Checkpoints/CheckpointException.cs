// A checkpoint (config.json or model.safetensors) is unusable: raised at load time, naming the file and tensor.
namespace JinaEmbed.Checkpoints;

/// <summary>A model checkpoint could not be loaded; the message names the file and, where relevant, the tensor or key.</summary>
public sealed class CheckpointException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CheckpointException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public CheckpointException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
