// The e-health book (/book, citizens, on a phone): the household, registering someone, a person's book and
// a reaction report. Online only; every read and write goes to the service that owns it (data.ts).
import { t } from "../i18n";
import { match } from "../router";
import { HouseholdPage } from "./home";
import { PersonPage } from "./person";
import { ReactionPage } from "./reaction";
import { RegisterPage } from "./register";
import "./book.css";

export function BookRoutes({ path }: { path: string }) {
  const bare = path.replace(/\/$/, "");
  const reaction = match("/book/:id/reaction", bare);
  const person = match("/book/:id", bare);
  let page;
  if (bare === "/book") page = <HouseholdPage />;
  else if (bare === "/book/register") page = <RegisterPage />;
  else if (reaction) page = <ReactionPage personId={reaction.id} />;
  else if (person) page = <PersonPage key={person.id} personId={person.id} />;
  else page = <h1>{t("app.notFound")}</h1>;
  return <div class="book-app">{page}</div>;
}
