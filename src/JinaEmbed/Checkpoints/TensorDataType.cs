// Element types a safetensors checkpoint may hold for this engine (spec §1.7): BF16 expected, F16/F32 accepted.
namespace JinaEmbed.Checkpoints;

/// <summary>Element type of a checkpoint tensor.</summary>
public enum TensorDataType
{
    /// <summary>IEEE 754 binary32.</summary>
    Float32,
    /// <summary>IEEE 754 binary16.</summary>
    Float16,
    /// <summary>bfloat16: the high half of a binary32.</summary>
    BFloat16,
}
