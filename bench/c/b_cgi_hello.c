// The hello handler of goblin serve's bench: a CGI head and six bytes.
#include <stdio.h>
int main(void) { fputs("Content-Type: text/plain\n\nhello\n", stdout); return 0; }
