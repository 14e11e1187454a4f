using TermChat.Cli;

EmbeddedSqlite.Prepare();
return await TermChatCommand.InvokeAsync(args);
