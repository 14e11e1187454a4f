using TermChat.Client.App;

namespace TermChat.Client.Views;

// Dialogs: F1 help, /stats as a table, /netcheck results.
public sealed partial class ChatWindow
{
    private void ShowHelp()
    {
    }

    private void ShowDialogsFor(IReadOnlyList<ChatEntry> entries)
    {
    }
}
