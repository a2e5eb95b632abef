// An API error with the contract's status and body fields (api.md "Errors").
namespace JinaEmbed.Server;

/// <summary>Thrown while handling a request; the endpoint turns it into the OpenAI-shaped error body.</summary>
internal sealed class ApiException : Exception
{
    public ApiException(int status, string message, string? param = null, string? code = null, string type = "invalid_request_error")
        : base(message)
    {
        Status = status;
        Param = param;
        Code = code;
        Type = type;
    }

    public int Status { get; }

    public string? Param { get; }

    public string? Code { get; }

    public string Type { get; }

    public static ApiException BadRequest(string message, string? param = null, string? code = "invalid_value") => new(400, message, param, code);

    public static ApiException TooLarge(string message, string? param = null, string? code = "request_too_large") => new(413, message, param, code);
}
