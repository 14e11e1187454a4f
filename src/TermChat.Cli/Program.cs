using TermChat.Cli;

return await TermChatCommand.InvokeAsync(args);
